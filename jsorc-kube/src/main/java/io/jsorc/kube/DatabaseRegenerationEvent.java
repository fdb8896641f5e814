package io.jsorc.kube;

import io.jsorc.manifest.ApplyReport;

import java.time.Duration;

/**
 * How a database regeneration ended.
 *
 * @param host      the database host probed
 * @param port      its port
 * @param recovered whether it answers again
 * @param elapsed   from the first failed probe to the end
 * @param probes    how many probes were made
 * @param applied   what applying {@code DB_REGEN_MANIFEST} did, or {@code null} when it was not applied
 * @param detail    a human-readable explanation
 */
public record DatabaseRegenerationEvent(String host, int port, boolean recovered, Duration elapsed, int probes,
                                        ApplyReport applied, String detail) {
}
