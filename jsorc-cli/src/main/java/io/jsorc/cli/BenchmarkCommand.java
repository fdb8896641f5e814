package io.jsorc.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jsorc benchmark start|report|stop}: the request benchmark (latency and throughput per request type). */
@Command(name = "benchmark", description = "Measures request latency and throughput: start, report, stop.",
        subcommands = {BenchmarkCommand.Start.class, BenchmarkCommand.Report.class, BenchmarkCommand.Stop.class})
final class BenchmarkCommand {

    /** {@code benchmark start}. */
    @Command(name = "start", description = "Starts recording requests.")
    static final class Start extends AdminCommand {

        Start() {
            super("jsorc_benchmark_start");
        }
    }

    /** {@code benchmark report}. */
    @Command(name = "report", description = "Prints the report so far, keyed by request type, then name.")
    static final class Report extends AdminCommand {

        Report() {
            super("jsorc_benchmark_report");
        }
    }

    /** {@code benchmark stop [-report BOOL]}. */
    @Command(name = "stop", description = "Stops recording and prints the report ({} when not running).")
    static final class Stop extends AdminCommand {

        @Option(names = {"-report", "--report"}, paramLabel = "BOOL", arity = "1",
                description = "Whether to answer the report (server default: true).")
        Boolean report;

        Stop() {
            super("jsorc_benchmark_stop");
        }

        @Override
        ObjectNode body() {
            ObjectNode body = Json.object();
            Json.putIfGiven(body, "report", report);
            return body;
        }
    }
}
