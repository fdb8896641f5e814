package io.jsorc.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * A leaf command that sends one admin operation: subclasses name the operation and build its body from their options.
 *
 * <p>Leaves are classes rather than picocli's {@code @Command} methods because picocli 4.7 passes a method command's
 * arguments in the wrong order once inherited options (the global {@code --url} and friends) are added to it.
 */
abstract class AdminCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    private final String operation;

    AdminCommand(String operation) {
        this.operation = operation;
    }

    /** The operation this command sends, e.g. {@code config_get}. */
    final String operation() {
        return operation;
    }

    /** The top command: global options, sending, usage errors. */
    final JsOrcCli root() {
        return (JsOrcCli) spec.root().userObject();
    }

    /** The request body; an empty object unless the command has arguments. */
    ObjectNode body() {
        return Json.object();
    }

    /**
     * Whether the answer is a status object whose {@code "success": false} means a refusal; false for answers that
     * are user data.
     */
    boolean statusAnswer() {
        return true;
    }

    @Override
    public Integer call() {
        return root().send(operation, body(), root().timeout(), statusAnswer());
    }
}
