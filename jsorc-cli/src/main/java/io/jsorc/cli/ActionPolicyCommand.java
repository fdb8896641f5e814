package io.jsorc.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jsorc actionpolicy set|get}: the action placement policy. */
@Command(name = "actionpolicy", description = "Sets or prints the action placement policy: set, get.",
        subcommands = {ActionPolicyCommand.Set.class, ActionPolicyCommand.Get.class})
final class ActionPolicyCommand {

    /** {@code actionpolicy set NAME [-policy_params JSON]}: the JSON is checked here, sent as an object. */
    @Command(name = "set", description = "Switches the placement policy.")
    static final class Set extends AdminCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "Policy name, e.g. Default or Evaluation.")
        String name;

        @Option(names = {"-policy_params", "--policy_params"}, paramLabel = "JSON",
                description = "The policy's parameters, a JSON object (default: {}).")
        String policyParams;

        Set() {
            super("jsorc_actionpolicy_set");
        }

        @Override
        ObjectNode body() {
            ObjectNode params;
            try {
                params = policyParams == null ? Json.object() : Json.parseObject(policyParams, "-policy_params");
            } catch (IllegalArgumentException e) {
                throw root().usageError(e.getMessage());
            }
            ObjectNode body = Json.object().put("policy_name", name);
            body.set("policy_params", params);
            return body;
        }
    }

    /** {@code actionpolicy get}. */
    @Command(name = "get", description = "Prints the placement policy and its parameters.")
    static final class Get extends AdminCommand {

        Get() {
            super("jsorc_actionpolicy_get");
        }
    }
}
