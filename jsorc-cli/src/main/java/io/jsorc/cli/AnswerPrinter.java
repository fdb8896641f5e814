package io.jsorc.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintWriter;
import java.util.Optional;

/**
 * Turns an admin answer into output and an exit code.
 *
 * <p>Stdout always gets the answer: indented when it is JSON, as is otherwise (as {@code gh api} does), so a script can
 * read the body of a refusal too. A refusal — an HTTP status outside 2xx, or a JSON object whose {@code success} is
 * {@code false} — also gets one line on stderr with the server's {@code message} ({@code jsorc: refused (HTTP 404):
 * Unknown config name ...}) and exit code {@link JsOrcCli#EXIT_REFUSED}. The {@code success} field is not looked at
 * when the answer is a stored value ({@code config_get}): a user's config may hold {@code "success": false} itself.
 */
final class AnswerPrinter {

    /** A refusal's message is one stderr line: a long HTML error page is cut here (stdout still has all of it). */
    private static final int MAX_MESSAGE_CHARS = 500;

    private final PrintWriter out;
    private final PrintWriter err;

    AnswerPrinter(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    /**
     * Prints the answer and returns the exit code it means.
     *
     * @param statusAnswer whether a top-level {@code "success": false} means a refusal (false for answers that are
     *                     user data, such as a config value)
     */
    int print(AdminClient.Answer answer, boolean statusAnswer) {
        Optional<JsonNode> json = Json.parse(answer.body());
        if (json.isPresent()) {
            out.println(Json.pretty(json.get()));
        } else if (!answer.body().isEmpty()) {
            out.print(answer.body());
            if (!answer.body().endsWith("\n")) {
                out.println();
            }
        }
        out.flush();
        boolean successFalse = statusAnswer && json.isPresent() && json.get().isObject()
                && json.get().path("success").isBoolean() && !json.get().path("success").booleanValue();
        if (answer.ok() && !successFalse) {
            return JsOrcCli.EXIT_OK;
        }
        String status = answer.ok() ? "" : " (HTTP " + answer.status() + ")";
        String hint = answer.status() == 401 ? " (check the token: --token, --token-file or JSORC_TOKEN)" : "";
        err.println("jsorc: refused" + status + ": " + message(answer, json) + hint);
        err.flush();
        return JsOrcCli.EXIT_REFUSED;
    }

    private static String message(AdminClient.Answer answer, Optional<JsonNode> json) {
        String text;
        if (json.isPresent() && json.get().hasNonNull("message")) {
            JsonNode message = json.get().get("message");
            text = message.isTextual() ? message.textValue() : Json.compact(message);
        } else if (answer.body().isBlank()) {
            text = "(no message)";
        } else {
            text = answer.body().strip();
        }
        return oneLine(text);
    }

    /** One line, no control characters (a hostile or broken server must not drive the terminal), bounded length. */
    private static String oneLine(String text) {
        StringBuilder line = new StringBuilder(Math.min(text.length(), MAX_MESSAGE_CHARS + 3));
        for (int i = 0; i < text.length() && line.length() < MAX_MESSAGE_CHARS; i++) {
            char c = text.charAt(i);
            line.append(c == '\n' || c == '\r' || c == '\t' ? ' ' : Character.isISOControl(c) ? '?' : c);
        }
        if (line.length() < text.length()) {
            line.append("...");
        }
        return line.toString();
    }
}
