package io.jsorc.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jsorc actions config|load|status|unload}: action modules ({@code jsorc_actions_*} operations). */
@Command(name = "actions", description = "Configures, loads, inspects and unloads action modules: config, load, status,"
        + " unload.",
        subcommands = {ActionsCommand.Config.class, ActionsCommand.Load.class, ActionsCommand.Status.class,
                ActionsCommand.Unload.class})
final class ActionsCommand {

    /** {@code actions config NAME CONFIG}. */
    @Command(name = "config", description = "Sets an action module's config.")
    static final class Config extends AdminCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "Action module name, e.g. calc.")
        String name;

        @Parameters(index = "1", paramLabel = "CONFIG", description = "The module's config as JSON text"
                + " ('{\"module\": \"com.x.Calc\"}'), or a resource or file name the server resolves.")
        String config;

        Config() {
            super("jsorc_actions_config");
        }

        @Override
        ObjectNode body() {
            // Sent as is: the server tells JSON text from a resource name; the CLI cannot (the file is on the server).
            return Json.object().put("name", name).put("config", config);
        }
    }

    /** {@code actions load NAME [-mode M]}. */
    @Command(name = "load", description = "Loads an action module and prints its status.")
    static final class Load extends AdminCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "Action module name.")
        String name;

        @Option(names = {"-mode", "--mode"}, paramLabel = "M", defaultValue = "module",
                description = "module or local (in the server's JVM), or remote (default: ${DEFAULT-VALUE}).")
        String mode;

        Load() {
            super("jsorc_actions_load");
        }

        @Override
        ObjectNode body() {
            return Json.object().put("name", name).put("mode", mode);
        }
    }

    /** {@code actions status [NAME]}. */
    @Command(name = "status", description = "Prints an action module's status, or every configured module's.")
    static final class Status extends AdminCommand {

        @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "Action module name (all when absent).")
        String name;

        Status() {
            super("jsorc_actions_status");
        }

        @Override
        ObjectNode body() {
            ObjectNode body = Json.object();
            Json.putIfGiven(body, "name", name);
            return body;
        }
    }

    /** {@code actions unload NAME [-mode M] [-retire_svc BOOL]}. */
    @Command(name = "unload", description = "Unloads an action module.")
    static final class Unload extends AdminCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "Action module name.")
        String name;

        @Option(names = {"-mode", "--mode"}, paramLabel = "M", defaultValue = "auto",
                description = "Which placement to unload: auto, module, local or remote (default: ${DEFAULT-VALUE}).")
        String mode;

        @Option(names = {"-retire_svc", "--retire_svc"}, paramLabel = "BOOL", arity = "1", defaultValue = "true",
                description = "Whether a remote module's server is retired too (default: ${DEFAULT-VALUE}).")
        boolean retireSvc;

        Unload() {
            super("jsorc_actions_unload");
        }

        @Override
        ObjectNode body() {
            return Json.object().put("name", name).put("mode", mode).put("retire_svc", retireSvc);
        }
    }
}
