package io.jsorc;

import java.util.Map;

/**
 * A snapshot of a service for status pages and logs. Secret-looking config values are masked as {@code ****}.
 *
 * @param name      the service name
 * @param enabled   the {@code enabled} flag of its config
 * @param automated the {@code automated} flag (kept alive by the regeneration loop)
 * @param quiet     the {@code quiet} flag (failures are not logged)
 * @param state     its lifecycle state
 * @param config    its own config (flags removed), secrets masked
 * @param error     the failure message, or {@code null}
 */
public record ServiceInfo(String name, boolean enabled, boolean automated, boolean quiet, ServiceState state,
                          Map<String, Object> config, String error) {
}
