package io.jsorc.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;

/**
 * {@code jsorc loadtest TEST}: runs a load test the host registered and prints its latency and throughput.
 *
 * <p>The server answers only when the test is over, so this command waits the experiment duration plus the usual
 * {@code --timeout} instead of {@code --timeout} alone. Options are sent only when given: the server's defaults apply.
 */
@Command(name = "loadtest", description = "Runs a registered load test under a placement policy (waits for the whole"
        + " test).")
final class LoadTestCommand extends AdminCommand {

    /** The server's default {@code experiment_duration}, what the wait is based on when the option is not given. */
    static final int DEFAULT_EXPERIMENT_SECONDS = 180;

    @Parameters(paramLabel = "TEST", description = "Name of the registered load test.")
    String test;

    @Option(names = {"-policy", "--policy"}, paramLabel = "P",
            description = "Placement policy to run it under (server default: all_local).")
    String policy;

    @Option(names = {"-experiment_duration", "--experiment_duration"}, paramLabel = "S",
            description = "Seconds the experiment runs (server default: " + DEFAULT_EXPERIMENT_SECONDS + ").")
    Integer experimentDuration;

    @Option(names = {"-eval_phase", "--eval_phase"}, paramLabel = "S",
            description = "Seconds of the evaluation phase (server default: 10).")
    Integer evalPhase;

    @Option(names = {"-perf_phase", "--perf_phase"}, paramLabel = "S",
            description = "Seconds of the performance phase (server default: 100).")
    Integer perfPhase;

    @Option(names = {"-mem", "--mem"}, paramLabel = "M", description = "Memory setting of the test (server default: 0).")
    Integer mem;

    LoadTestCommand() {
        super("jsorc_loadtest");
    }

    @Override
    ObjectNode body() {
        requireAtLeast(experimentDuration, 1, "-experiment_duration");
        requireAtLeast(evalPhase, 1, "-eval_phase");
        requireAtLeast(perfPhase, 1, "-perf_phase");
        requireAtLeast(mem, 0, "-mem");
        ObjectNode body = Json.object().put("test", test);
        Json.putIfGiven(body, "policy", policy);
        Json.putIfGiven(body, "experiment_duration", experimentDuration);
        Json.putIfGiven(body, "eval_phase", evalPhase);
        Json.putIfGiven(body, "perf_phase", perfPhase);
        Json.putIfGiven(body, "mem", mem);
        return body;
    }

    @Override
    public Integer call() {
        ObjectNode body = body();
        int experiment = experimentDuration != null ? experimentDuration : DEFAULT_EXPERIMENT_SECONDS;
        Duration wait = Duration.ofSeconds(experiment).plus(root().timeout());
        return root().send(operation(), body, wait, statusAnswer());
    }

    private void requireAtLeast(Integer value, int minimum, String option) {
        if (value != null && value < minimum) {
            throw root().usageError(option + " must be at least " + minimum + ", not " + value);
        }
    }
}
