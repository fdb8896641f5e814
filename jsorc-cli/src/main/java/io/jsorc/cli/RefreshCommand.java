package io.jsorc.cli;

import picocli.CommandLine.Command;

/** {@code jsorc refresh}: re-reads {@code JSORC_CONFIG} ({@code jsorc_refresh}). */
@Command(name = "refresh", description = "Re-reads JSORC_CONFIG and prints the running interval and config.")
final class RefreshCommand extends AdminCommand {

    RefreshCommand() {
        super("jsorc_refresh");
    }
}
