/**
 * The {@code jsorc} command line: a plain HTTP client of the admin API ({@code POST /js_admin/<operation>} with a JSON
 * object body, JSON answers), built on picocli.
 *
 * <p>{@link io.jsorc.cli.JsOrcCli} is the top command and holds the global options ({@code --url}, {@code --token},
 * {@code --token-file}, {@code --timeout}); one class per command group maps its subcommands to operations and request
 * bodies; {@code AdminClient} sends them and {@code AnswerPrinter} turns the answer into stdout, stderr and an exit
 * code. The module depends on picocli and Jackson only, never on {@code jsorc-core}: it talks to a server, whatever
 * version that server runs.
 */
package io.jsorc.cli;
