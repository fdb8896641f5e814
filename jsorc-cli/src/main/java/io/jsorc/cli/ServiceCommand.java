package io.jsorc.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jsorc service info|refresh|config_set}: one service's state, restart and config. */
@Command(name = "service", description = "Inspects and steers one service: info, refresh, config_set.",
        subcommands = {ServiceCommand.Info.class, ServiceCommand.Refresh.class, ServiceCommand.ConfigSet.class})
final class ServiceCommand {

    /** A service command on one NAME. */
    abstract static class Named extends AdminCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "Service name, e.g. redis.")
        String name;

        Named(String operation) {
            super(operation);
        }

        @Override
        ObjectNode body() {
            return Json.object().put("name", name);
        }
    }

    /** {@code service info NAME}. */
    @Command(name = "info", description = "Prints a service's state, flags, config (secrets masked) and last error.")
    static final class Info extends Named {

        Info() {
            super("service_info");
        }
    }

    /** {@code service refresh NAME}. */
    @Command(name = "refresh", description = "Rebuilds a service from its config; NAME jsorc re-reads JSORC_CONFIG.")
    static final class Refresh extends Named {

        Refresh() {
            super("service_refresh");
        }
    }

    /** {@code service config_set NAME -config JSON}: the JSON is checked here, sent as an object. */
    @Command(name = "config_set", description = "Replaces a service's config and prints the service's info.")
    static final class ConfigSet extends Named {

        @Option(names = {"-config", "--config"}, paramLabel = "JSON", required = true,
                description = "The config, a JSON object such as '{\"enabled\": true}'.")
        String config;

        ConfigSet() {
            super("service_config_set");
        }

        @Override
        ObjectNode body() {
            ObjectNode parsed;
            try {
                parsed = Json.parseObject(config, "-config");
            } catch (IllegalArgumentException e) {
                throw root().usageError(e.getMessage());
            }
            ObjectNode body = super.body();
            body.set("config", parsed);
            return body;
        }
    }
}
