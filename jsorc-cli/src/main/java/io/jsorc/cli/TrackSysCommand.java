package io.jsorc.cli;

import picocli.CommandLine.Command;

/** {@code jsorc tracksys start|report|stop}: system tracking (action placements with JVM or Prometheus metrics). */
@Command(name = "tracksys", description = "Tracks system state over time: start, report, stop.",
        subcommands = {TrackSysCommand.Start.class, TrackSysCommand.Report.class, TrackSysCommand.Stop.class})
final class TrackSysCommand {

    /** {@code tracksys start}. */
    @Command(name = "start", description = "Starts tracking.")
    static final class Start extends AdminCommand {

        Start() {
            super("jsorc_tracksys_start");
        }
    }

    /** {@code tracksys report}. */
    @Command(name = "report", description = "Prints the states recorded so far.")
    static final class Report extends AdminCommand {

        Report() {
            super("jsorc_tracksys_report");
        }
    }

    /** {@code tracksys stop}. */
    @Command(name = "stop", description = "Stops tracking and prints the states.")
    static final class Stop extends AdminCommand {

        Stop() {
            super("jsorc_tracksys_stop");
        }
    }
}
