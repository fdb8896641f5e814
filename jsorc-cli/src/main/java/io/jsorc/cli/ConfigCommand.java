package io.jsorc.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jsorc config get|set|update|list|index|exists|delete}: the config API ({@code config_*} operations).
 *
 * <p>{@code do_check} is sent only when given, so the server's default ({@code true}: the name must be a declared
 * config key) applies otherwise.
 */
@Command(name = "config", description = "Reads and changes config values: get, set, update, list, index, exists, delete.",
        subcommands = {ConfigCommand.Get.class, ConfigCommand.Set.class, ConfigCommand.Update.class,
                ConfigCommand.List.class, ConfigCommand.Index.class, ConfigCommand.Exists.class,
                ConfigCommand.Delete.class})
final class ConfigCommand {

    private static final String DO_CHECK = "Whether NAME must be a declared config key (server default: true).";

    /** A config command on one NAME with an optional {@code -do_check}. */
    abstract static class Named extends AdminCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "Config name, e.g. JSORC_CONFIG.")
        String name;

        Named(String operation) {
            super(operation);
        }

        @Override
        ObjectNode body() {
            return Json.object().put("name", name);
        }
    }

    /** {@code config get NAME [-do_check BOOL]}. */
    @Command(name = "get", description = "Prints a config value; a declared name with nothing stored gives its default.")
    static final class Get extends Named {

        @Option(names = {"-do_check", "--do_check"}, paramLabel = "BOOL", arity = "1", description = DO_CHECK)
        Boolean doCheck;

        Get() {
            super("config_get");
        }

        /** The answer is the stored value itself: a config holding {@code "success": false} is no refusal. */
        @Override
        boolean statusAnswer() {
            return false;
        }

        @Override
        ObjectNode body() {
            ObjectNode body = super.body();
            Json.putIfGiven(body, "do_check", doCheck);
            return body;
        }
    }

    /** {@code config set NAME -value V [-do_check BOOL]}. */
    @Command(name = "set", description = "Stores a config value (JSON text; the server parses it).")
    static final class Set extends Named {

        @Option(names = {"-value", "--value"}, paramLabel = "V", required = true,
                description = "The value: JSON text such as '{\"port\": 6379}', or any string with -do_check false.")
        String value;

        @Option(names = {"-do_check", "--do_check"}, paramLabel = "BOOL", arity = "1", description = DO_CHECK)
        Boolean doCheck;

        Set() {
            super("config_set");
        }

        @Override
        ObjectNode body() {
            ObjectNode body = super.body().put("value", value);
            Json.putIfGiven(body, "do_check", doCheck);
            return body;
        }
    }

    /** {@code config update NAME -field_key K -field_value V [-do_check BOOL]}. */
    @Command(name = "update", description = "Sets one field of a config object.")
    static final class Update extends Named {

        @Option(names = {"-field_key", "--field_key"}, paramLabel = "K", required = true, description = "The field to set.")
        String fieldKey;

        @Option(names = {"-field_value", "--field_value"}, paramLabel = "V", required = true,
                description = "Its new value (sent as a string).")
        String fieldValue;

        @Option(names = {"-do_check", "--do_check"}, paramLabel = "BOOL", arity = "1", description = DO_CHECK)
        Boolean doCheck;

        Update() {
            super("config_update");
        }

        @Override
        ObjectNode body() {
            ObjectNode body = super.body().put("field_key", fieldKey).put("field_value", fieldValue);
            Json.putIfGiven(body, "do_check", doCheck);
            return body;
        }
    }

    /** {@code config list}. */
    @Command(name = "list", description = "Lists the names that have a stored value.")
    static final class List extends AdminCommand {

        List() {
            super("config_list");
        }
    }

    /** {@code config index}. */
    @Command(name = "index", description = "Lists the config names the server declares.")
    static final class Index extends AdminCommand {

        Index() {
            super("config_index");
        }
    }

    /** {@code config exists NAME}. */
    @Command(name = "exists", description = "Prints whether NAME has a stored value (true or false).")
    static final class Exists extends Named {

        Exists() {
            super("config_exists");
        }
    }

    /** {@code config delete NAME [-do_check BOOL]}. */
    @Command(name = "delete", description = "Deletes a stored config value.")
    static final class Delete extends Named {

        @Option(names = {"-do_check", "--do_check"}, paramLabel = "BOOL", arity = "1", description = DO_CHECK)
        Boolean doCheck;

        Delete() {
            super("config_delete");
        }

        @Override
        ObjectNode body() {
            ObjectNode body = super.body();
            Json.putIfGiven(body, "do_check", doCheck);
            return body;
        }
    }
}
