package io.jsorc.cli;

import picocli.CommandLine.Command;

/** {@code jsorc trackact start|stop}: tracking of action placements and calls. */
@Command(name = "trackact", description = "Tracks action placements and calls: start, stop.",
        subcommands = {TrackActCommand.Start.class, TrackActCommand.Stop.class})
final class TrackActCommand {

    /** {@code trackact start}. */
    @Command(name = "start", description = "Starts tracking.")
    static final class Start extends AdminCommand {

        Start() {
            super("jsorc_trackact_start");
        }
    }

    /** {@code trackact stop}. */
    @Command(name = "stop", description = "Stops tracking and prints the history ([] when not tracking).")
    static final class Stop extends AdminCommand {

        Stop() {
            super("jsorc_trackact_stop");
        }
    }
}
