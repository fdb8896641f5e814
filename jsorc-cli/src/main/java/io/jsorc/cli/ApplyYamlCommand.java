package io.jsorc.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

/**
 * {@code jsorc apply_yaml NAME FILE}: stores (and, with a running kube service, applies) a service's manifest.
 *
 * <p>Sent as the JSON form of {@code apply_yaml} ({@code {name, yaml, unsafe_paraphrase}}), not multipart: one request
 * shape for the whole CLI.
 */
@Command(name = "apply_yaml", description = "Stores a service's Kubernetes manifest and applies it when kube runs.")
final class ApplyYamlCommand extends AdminCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "Service or manifest key, e.g. redis or REDIS_MANIFEST.")
    String name;

    @Parameters(index = "1", paramLabel = "FILE", description = "Multi-document YAML file.")
    Path file;

    @Option(names = {"-unsafe_paraphrase", "--unsafe_paraphrase"}, paramLabel = "P",
            description = "The confirmation phrase the server asks for before deleting resources.")
    String unsafeParaphrase;

    ApplyYamlCommand() {
        super("apply_yaml");
    }

    @Override
    ObjectNode body() {
        ObjectNode body = Json.object().put("name", name).put("yaml", root().readFile(file, "FILE"));
        Json.putIfGiven(body, "unsafe_paraphrase", unsafeParaphrase);
        return body;
    }
}
