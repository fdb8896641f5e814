package io.jsorc.admin;

import io.jsorc.Orchestrator;
import io.jsorc.config.MemoryHook;

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
        Orchestrator.Builder builder = Orchestrator.builder().scanPackages().register(components)
                .config("ADMIN_CONFIG", "{\"enabled\": true, \"port\": 0, \"token\": \"" + TOKEN + "\""
                        + (adminFields.isEmpty() ? "" : ", " + adminFields) + "}")
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
