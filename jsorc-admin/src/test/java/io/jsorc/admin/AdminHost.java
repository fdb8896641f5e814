package io.jsorc.admin;

import io.jsorc.Orchestrator;
import io.jsorc.config.MemoryHook;
import io.jsorc.config.Placeholders;

/** An orchestrator with the admin API on a free loopback port, for the tests. */
final class AdminHost implements AutoCloseable {

    static final String TOKEN = "test-token-0123456789abcdef";

    final Orchestrator orchestrator;
    final AdminService admin;
    final AdminClient client;

    private AdminHost(Orchestrator orchestrator) {
        this.orchestrator = orchestrator;
        this.admin = orchestrator.svc(AdminService.NAME, AdminService.class);
        this.client = new AdminClient(admin.url(), TOKEN);
    }

    /** Starts an orchestrator (no scan; Redis off unless {@code redisConfig} says otherwise) with the admin API. */
    static AdminHost start(String adminFields, String redisConfig, Class<?>... components) {
        return start("{\"enabled\": true, \"port\": 0, \"token\": \"" + TOKEN + "\""
                + (adminFields.isEmpty() ? "" : ", " + adminFields) + "}", redisConfig, Placeholders.fromEnvironment(),
                components);
    }

    /**
     * Starts an orchestrator whose admin config is the shipped default's placeholders ({@code JSORC_ADMIN_ENABLED},
     * {@code JSORC_ADMIN_TOKEN}; on a free port), resolved from {@code environment} alone and as it is at each
     * lookup: a test changes it as the environment of one replica would differ from the next's.
     */
    static AdminHost startWithEnvironment(java.util.Map<String, String> environment) {
        return start("{\"enabled\": \"${JSORC_ADMIN_ENABLED:false}\", \"port\": 0, "
                + "\"token\": \"${JSORC_ADMIN_TOKEN:}\"}", null, new Placeholders(environment::get));
    }

    private static AdminHost start(String adminConfig, String redisConfig, Placeholders placeholders,
                                   Class<?>... components) {
        Orchestrator.Builder builder = Orchestrator.builder().scanPackages().register(components)
                .placeholders(placeholders)
                .config("ADMIN_CONFIG", adminConfig)
                .config("REDIS_CONFIG", redisConfig == null ? "{\"enabled\": false}" : redisConfig);
        if (redisConfig == null) {
            builder.hook(new MemoryHook()); // config lives in this JVM unless the test brings a Redis
        }
        return new AdminHost(builder.build().start());
    }

    static AdminHost start() {
        return start("", null);
    }

    @Override
    public void close() {
        orchestrator.close();
    }
}
