package io.jsorc.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;

/** {@code jsorc load_yaml FILE...}: applies YAML files to the cluster through the kube service. */
@Command(name = "load_yaml", description = "Applies YAML files to the cluster (needs a running kube service).")
final class LoadYamlCommand extends AdminCommand {

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "YAML files, each sent as its text.")
    List<Path> files;

    @Option(names = {"-namespace", "--namespace"}, paramLabel = "NS", description = "Namespace to apply them in.")
    String namespace;

    LoadYamlCommand() {
        super("load_yaml");
    }

    @Override
    ObjectNode body() {
        ObjectNode body = Json.object();
        // Every file is read before anything is sent: one unreadable file means no request at all.
        ArrayNode texts = body.putArray("files");
        for (Path file : files) {
            texts.add(root().readFile(file, "FILE"));
        }
        Json.putIfGiven(body, "namespace", namespace);
        return body;
    }
}
