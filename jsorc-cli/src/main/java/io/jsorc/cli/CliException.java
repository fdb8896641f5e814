package io.jsorc.cli;

/**
 * A failure the CLI reports with a one-line message on stderr and a given exit code, no stack trace.
 *
 * <p>Thrown by {@link AdminClient} (cannot connect: {@link JsOrcCli#EXIT_CANNOT_CONNECT}; no answer in time or a broken
 * answer: {@link JsOrcCli#EXIT_REFUSED}). Usage errors are picocli's {@code ParameterException} instead, so picocli
 * prints the command's usage help with them. Messages never hold the token.
 */
final class CliException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
