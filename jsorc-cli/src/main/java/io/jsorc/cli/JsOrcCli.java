package io.jsorc.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The {@code jsorc} command: operates a running JsOrc through its admin API, {@code POST <url>/js_admin/<operation>}.
 *
 * <p>Holds the global options every subcommand inherits (they may come before or after the subcommand) and sends the
 * requests the subcommands build. The environment is a constructor argument, not {@link System#getenv()}, so tests
 * give each run its own {@code JSORC_URL} and {@code JSORC_TOKEN}.
 */
@Command(name = "jsorc",
        mixinStandardHelpOptions = true,
        versionProvider = JsOrcCli.ManifestVersion.class,
        description = {"Operates a running JsOrc through its admin API: POST <url>/js_admin/<operation> with a JSON body.",
                "Prints the answer as indented JSON on stdout. Options of subcommands take one dash or two"
                        + " (-value V or --value V)."},
        subcommands = {ConfigCommand.class, ServiceCommand.class, RefreshCommand.class, ApplyYamlCommand.class,
                LoadYamlCommand.class, ActionsCommand.class, ActionPolicyCommand.class, TrackActCommand.class,
                BenchmarkCommand.class, TrackSysCommand.class, LoadTestCommand.class,
                AutoComplete.GenerateCompletion.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:success",
                "1:refused: HTTP 4xx/5xx or \"success\": false (the server's message on stderr), or no answer in time",
                "2:usage error (the command's usage on stderr)",
                "3:cannot connect to the admin API (set --url or JSORC_URL)"},
        footerHeading = "%nEnvironment:%n",
        footer = {"  JSORC_URL     the admin API's base URL, when --url is not given",
                "  JSORC_TOKEN   the admin token, when neither --token nor --token-file is given",
                "%nShell completion: source <(jsorc generate-completion)"})
public final class JsOrcCli {

    /** Exit code of a successful command. */
    public static final int EXIT_OK = 0;
    /** Exit code when the server refused: HTTP 4xx/5xx, {@code "success": false}, or no usable answer in time. */
    public static final int EXIT_REFUSED = 1;
    /** Exit code of a usage error (picocli's own code for one). */
    public static final int EXIT_USAGE = CommandLine.ExitCode.USAGE;
    /** Exit code when the admin API cannot be reached: connection refused, unknown host, connect timeout. */
    public static final int EXIT_CANNOT_CONNECT = 3;
    /** Where the admin server listens by default ({@code ADMIN_CONFIG}'s host and port). */
    public static final String DEFAULT_URL = "http://127.0.0.1:9466";

    static final int DEFAULT_TIMEOUT_SECONDS = 60;
    /** Opening a connection is quick or hopeless: a black-holed address should not hold the shell for a minute. */
    private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Bounds what a file argument may load into memory; the server's own caps are lower (1 MiB JSON). */
    static final long MAX_FILE_BYTES = 16L * 1024 * 1024;
    private static final long MAX_TOKEN_FILE_BYTES = 64 * 1024;

    @Option(names = "--url", paramLabel = "URL", scope = ScopeType.INHERIT,
            description = {"Admin API base URL (env JSORC_URL).", "Default: " + DEFAULT_URL})
    String url;

    @Option(names = "--token", paramLabel = "TOKEN", scope = ScopeType.INHERIT,
            description = "Admin token, sent as 'Authorization: Bearer TOKEN' (env JSORC_TOKEN). Other users may"
                    + " see command lines: prefer --token-file or JSORC_TOKEN.")
    String token;

    @Option(names = "--token-file", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "Reads the admin token from FILE (surrounding whitespace ignored).")
    Path tokenFile;

    @Option(names = "--timeout", paramLabel = "SECONDS", scope = ScopeType.INHERIT,
            description = "Seconds to wait for an answer (default " + DEFAULT_TIMEOUT_SECONDS + "; loadtest waits"
                    + " its experiment duration on top).")
    Integer timeoutSeconds;

    @Spec
    CommandSpec spec;

    private final Map<String, String> env;

    /**
     * A command that reads {@code JSORC_URL} and {@code JSORC_TOKEN} from {@code env}.
     *
     * @param env the environment, usually {@link System#getenv()}
     */
    public JsOrcCli(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /**
     * Runs the command line and exits the JVM with its exit code.
     *
     * @param args the arguments, e.g. {@code config get JSORC_CONFIG}
     */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int code = run(System.getenv(), out, err, args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /**
     * Runs one command line and returns its exit code, without exiting: the seam for tests and embedding.
     *
     * @param env  the environment to read {@code JSORC_URL} and {@code JSORC_TOKEN} from
     * @param out  where answers and help go
     * @param err  where refusals, errors and usage help on a usage error go
     * @param args the arguments
     * @return {@link #EXIT_OK}, {@link #EXIT_REFUSED}, {@link #EXIT_USAGE} or {@link #EXIT_CANNOT_CONNECT}
     */
    public static int run(Map<String, String> env, PrintWriter out, PrintWriter err, String... args) {
        int code = commandLine(env, out, err).execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** The configured picocli command line: help options on every subcommand, failures mapped to exit codes. */
    static CommandLine commandLine(Map<String, String> env, PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new JsOrcCli(env));
        addHelpOptions(commandLine);
        // picocli hides its completion command; `jsorc --help` is meant to list everything there is.
        commandLine.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(false);
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setParameterExceptionHandler(JsOrcCli::usageFailure);
        commandLine.setExecutionExceptionHandler((exception, command, parseResult) -> {
            if (exception instanceof CliException failure) {
                command.getErr().println("jsorc: " + failure.getMessage());
                command.getErr().flush();
                return failure.exitCode();
            }
            throw exception;
        });
        return commandLine;
    }

    /**
     * Reports a usage error as picocli does (the message, suggestions, the usage), except that an argument it did not
     * expect is echoed only when it cannot be a secret: {@code --tokne=s3cret} (a mistyped option) shows as
     * {@code --tokne=****}, and a value that is no plain word (a token passed where no option takes it) is not shown.
     */
    private static int usageFailure(ParameterException failure, String[] args) {
        CommandLine command = failure.getCommandLine();
        PrintWriter err = command.getErr();
        if (failure instanceof CommandLine.UnmatchedArgumentException unmatched) {
            err.println("Unmatched argument" + (unmatched.getUnmatched().size() == 1 ? "" : "s") + ": "
                    + String.join(", ", unmatched.getUnmatched().stream().map(JsOrcCli::shown).toList()));
            CommandLine.UnmatchedArgumentException.printSuggestions(unmatched, err);
        } else {
            err.println(failure.getMessage());
        }
        command.usage(err);
        err.flush();
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** {@return an unexpected argument as it may be shown} */
    static String shown(String argument) {
        if (argument.startsWith("-")) {
            int equals = argument.indexOf('=');
            return "'" + (equals < 0 ? argument : argument.substring(0, equals) + "=****") + "'";
        }
        return argument.matches("[A-Za-z][A-Za-z0-9_.-]{0,31}") ? "'" + argument + "'" : "(an argument not shown: it may "
                + "be a secret)";
    }

    /** Every group and leaf gets -h/--help and -V/--version here, rather than each of ~35 annotations repeating it. */
    private static void addHelpOptions(CommandLine commandLine) {
        for (CommandLine sub : commandLine.getSubcommands().values()) {
            if (!sub.getCommandSpec().mixins().containsKey("mixinStandardHelpOptions")) {
                sub.getCommandSpec().mixinStandardHelpOptions(true);
            }
            addHelpOptions(sub);
        }
    }

    /**
     * Sends an operation, waiting up to {@code timeout} for its answer, and prints it; returns the exit code.
     *
     * @param statusAnswer whether the answer's {@code "success": false} means a refusal, see {@link AnswerPrinter}
     */
    int send(String operation, ObjectNode body, Duration timeout, boolean statusAnswer) {
        AdminClient client = new AdminClient(baseUrl(), resolveToken(),
                timeout.compareTo(MAX_CONNECT_TIMEOUT) < 0 ? timeout : MAX_CONNECT_TIMEOUT);
        AdminClient.Answer answer = client.post(operation, Json.compact(body), timeout);
        return new AnswerPrinter(spec.commandLine().getOut(), spec.commandLine().getErr()).print(answer, statusAnswer);
    }

    /** The {@code --timeout} bound (default {@value #DEFAULT_TIMEOUT_SECONDS} s). */
    Duration timeout() {
        if (timeoutSeconds == null) {
            return Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS);
        }
        if (timeoutSeconds <= 0) {
            throw usageError("--timeout must be a positive number of seconds, not " + timeoutSeconds);
        }
        return Duration.ofSeconds(timeoutSeconds);
    }

    private URI baseUrl() {
        String given = url != null ? url : nonBlank(env.get("JSORC_URL"));
        try {
            return AdminClient.parseBaseUrl(given != null ? given : DEFAULT_URL);
        } catch (IllegalArgumentException e) {
            throw usageError(e.getMessage() + (url != null ? " (from --url)" : given != null ? " (from JSORC_URL)" : ""));
        }
    }

    /** --token, else --token-file, else JSORC_TOKEN, else none (the server answers 401, and the message says so). */
    private String resolveToken() {
        if (token != null && tokenFile != null) {
            throw usageError("give the token once: --token or --token-file, not both");
        }
        if (token != null) {
            return checkToken(token.strip(), "--token");
        }
        if (tokenFile != null) {
            return checkToken(readTokenFile(tokenFile), "--token-file " + tokenFile);
        }
        String fromEnv = nonBlank(env.get("JSORC_TOKEN"));
        return fromEnv == null ? null : checkToken(fromEnv.strip(), "JSORC_TOKEN");
    }

    private String readTokenFile(Path file) {
        try {
            if (Files.size(file) > MAX_TOKEN_FILE_BYTES) {
                throw usageError("--token-file " + file + " is larger than " + MAX_TOKEN_FILE_BYTES / 1024
                        + " KiB: not a token file");
            }
        } catch (IOException e) {
            throw usageError("cannot read --token-file " + file + ": " + describe(e));
        }
        return readFile(file, "--token-file").strip();
    }

    /** The message names where the token came from, never the token. */
    private String checkToken(String value, String source) {
        if (value.isEmpty()) {
            throw usageError("the token from " + source + " is empty");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw usageError("the token from " + source + " holds a character not allowed in an HTTP header"
                        + " (allowed: visible ASCII, no spaces)");
            }
        }
        return value;
    }

    /**
     * Reads a UTF-8 text file a command sends (YAML, a token).
     *
     * @param what how the file was given, for the message, e.g. {@code FILE}
     * @throws ParameterException (exit code 2) naming the file when it is missing, unreadable, too large or not UTF-8
     */
    String readFile(Path file, String what) {
        try {
            if (Files.isDirectory(file)) {
                throw usageError("cannot read " + what + " " + file + ": it is a directory");
            }
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw usageError("cannot read " + what + " " + file + ": larger than " + (MAX_FILE_BYTES >> 20) + " MiB");
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw usageError("cannot read " + what + " " + file + ": not UTF-8 text");
        } catch (IOException e) {
            throw usageError("cannot read " + what + " " + file + ": " + describe(e));
        }
    }

    private static String describe(IOException e) {
        String kind = e.getClass().getSimpleName();
        if (kind.equals("NoSuchFileException")) {
            return "no such file";
        }
        if (kind.equals("AccessDeniedException")) {
            return "permission denied";
        }
        return e.getMessage() != null ? e.getMessage() : kind;
    }

    /**
     * A usage error of the command being run: picocli prints the message and that command's usage on stderr and the
     * exit code is {@link #EXIT_USAGE}.
     */
    ParameterException usageError(String message) {
        ParseResult parsed = spec.commandLine().getParseResult();
        while (parsed.hasSubcommand()) {
            parsed = parsed.subcommand();
        }
        return new ParameterException(parsed.commandSpec().commandLine(), message);
    }

    private static String nonBlank(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /** {@code jsorc --version}: the version in the jar's manifest. */
    static final class ManifestVersion implements CommandLine.IVersionProvider {

        @Override
        public String[] getVersion() {
            String version = JsOrcCli.class.getPackage().getImplementationVersion();
            return new String[] {"jsorc " + (version != null ? version : "(development build: no jar manifest)")};
        }
    }
}
