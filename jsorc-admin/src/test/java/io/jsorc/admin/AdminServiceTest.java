package io.jsorc.admin;

import io.jsorc.Orchestrator;
import io.jsorc.ServiceState;
import io.jsorc.admin.jmx.JmxExtension;
import io.jsorc.config.MemoryHook;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The admin service's settings and lifecycle, and the JMX bean every orchestrator gets. */
class AdminServiceTest {

    private static Orchestrator.Builder builder(String adminConfig) {
        return Orchestrator.builder().scanPackages().hook(new MemoryHook())
                .config("REDIS_CONFIG", "{\"enabled\": false}").config("ADMIN_CONFIG", adminConfig);
    }

    @Test
    void itIsOffByDefaultAndRegisteredWhateverTheScanFilter() {
        try (Orchestrator orchestrator = Orchestrator.builder().scanPackages("com.example.nothing")
                .hook(new MemoryHook()).config("REDIS_CONFIG", "{\"enabled\": false}").build()) {
            AdminService admin = orchestrator.svc("admin", AdminService.class);
            assertThat(admin.isEnabled()).isFalse();
            assertThatThrownBy(admin::port).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("JSORC_ADMIN_ENABLED");
        }
    }

    @Test
    void anEnabledServiceWithAnEmptyTokenFailsNamingWhereToSetIt() {
        try (Orchestrator orchestrator = builder("{\"enabled\": true, \"port\": 0, \"token\": \"\"}").build()) {
            AdminService admin = orchestrator.svc("admin", AdminService.class);
            assertThat(admin.state()).isEqualTo(ServiceState.FAILED);
            assertThat(admin.error()).hasMessageContaining("ADMIN_CONFIG.token")
                    .hasMessageContaining("JSORC_ADMIN_TOKEN");
        }
    }

    @Test
    void invalidSettingsNameTheFieldAndWhatIsAllowed() {
        assertThatThrownBy(() -> AdminSettings.from(Map.of("port", 70000, "token", "x")))
                .hasMessageContaining("port is 70000").hasMessageContaining("0 to 65535");
        assertThatThrownBy(() -> AdminSettings.from(Map.of("readiness", "redis", "token", "x")))
                .hasMessageContaining("readiness");
        assertThat(AdminSettings.from(Map.of("token", "s3cret")).toString()).doesNotContain("s3cret");
    }

    @Test
    void itBindsLoopbackByDefaultAndPortZeroGivesAFreePort() throws Exception {
        try (Orchestrator orchestrator = builder("{\"enabled\": true, \"port\": 0, \"token\": \"abc\"}").build()) {
            AdminService admin = orchestrator.svc("admin", AdminService.class);
            assertThat(admin.port()).isPositive();
            assertThat(admin.url()).isEqualTo("http://127.0.0.1:" + admin.port());
            assertThat(TcpListeners.localAddressesOf(admin.port())).isNotEmpty().allMatch(a -> a.isLoopbackAddress());
        }
    }

    @Test
    void aPortInUseFailsTheServiceNamingTheAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             Orchestrator orchestrator = builder("{\"enabled\": true, \"port\": " + taken.getLocalPort()
                     + ", \"token\": \"abc\"}").build()) {
            AdminService admin = orchestrator.svc("admin", AdminService.class);
            assertThat(admin.state()).isEqualTo(ServiceState.FAILED);
            assertThat(admin.error()).hasMessageContaining("127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyOrchestratorHasAJmxBeanWhileItRuns() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name;
        try (Orchestrator orchestrator = builder("{\"enabled\": false}").build().start()) {
            String id = io.jsorc.operate.OperatorContext.of(orchestrator).id();
            name = JmxExtension.objectName(id);
            assertThat(name.toString()).isEqualTo("io.jsorc:type=Orchestrator,name=" + id);
            // Registered by a daemon moments after the start, which does not wait for the MBean server.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> server.isRegistered(name));
            orchestrator.svc("admin");
            Map<String, String> states = new java.util.HashMap<>();
            javax.management.openmbean.TabularData table = (javax.management.openmbean.TabularData)
                    server.getAttribute(name, "ServiceStates");
            for (Object row : table.values()) {
                javax.management.openmbean.CompositeData data = (javax.management.openmbean.CompositeData) row;
                states.put((String) data.get("key"), (String) data.get("value"));
            }
            assertThat(states).containsEntry("admin", "NOT_STARTED");
            assertThat(server.getAttribute(name, "RegenerationAlive")).isEqualTo(true);
            assertThat(server.invoke(name, "refresh", new Object[] {"admin"}, new String[] {"java.lang.String"}))
                    .isEqualTo("NOT_STARTED");
            assertThat((String) server.invoke(name, "regenerate", null, null)).startsWith("RegenerationReport");
            assertThat((String) server.invoke(name, "benchmarkReport", null, null)).isEqualTo("{}");
        }
        assertThat(server.isRegistered(name)).isFalse();
    }

    @Test
    void anAdminConfigTheServiceCouldNotRunWithIsRefusedNotStored() throws Exception {
        try (AdminHost host = AdminHost.start()) {
            String before = host.orchestrator.configGet("ADMIN_CONFIG");
            AdminClient.Answer viaService = host.client.post("service_config_set", java.util.Map.of("name", "admin",
                    "config", java.util.Map.of("enabled", true, "port", 70000, "token", AdminHost.TOKEN)));
            assertThat(viaService.status()).as(viaService.response().body()).isEqualTo(400);
            assertThat(viaService.message()).contains("port is 70000");
            AdminClient.Answer viaUpdate = host.client.post("config_update", java.util.Map.of("name", "ADMIN_CONFIG",
                    "field_key", "token", "field_value", "\"\""));
            assertThat(viaUpdate.status()).as(viaUpdate.response().body()).isEqualTo(400);
            assertThat(viaUpdate.message()).contains("token");
            assertThat(host.orchestrator.configGet("ADMIN_CONFIG")).as("nothing stored").isEqualTo(before);
            assertThat(host.client.post("config_list", java.util.Map.of()).status()).as("the API still answers")
                    .isEqualTo(200);
        }
    }

    @Test
    void anAdminConfigIsCheckedAsTheServiceReadsItsFlagsTextAndPlaceholdersToo() throws Exception {
        java.util.Map<String, String> environment = new java.util.concurrent.ConcurrentHashMap<>(java.util.Map.of(
                "JSORC_ADMIN_ENABLED", "true", "JSORC_ADMIN_TOKEN", AdminHost.TOKEN));
        try (AdminHost host = AdminHost.startWithEnvironment(environment)) {
            // The token stored as text; the variable gone: the default would now run enabled with an empty token.
            host.orchestrator.configSet("ADMIN_CONFIG", "{\"enabled\": true, \"port\": 0, \"token\": \""
                    + AdminHost.TOKEN + "\"}");
            environment.remove("JSORC_ADMIN_TOKEN");
            String before = host.orchestrator.configGet("ADMIN_CONFIG");
            AdminClient.Answer enabledAsText = host.client.post("service_config_set", java.util.Map.of("name",
                    "admin", "config", java.util.Map.of("enabled", "true", "token", "")));
            assertThat(enabledAsText.status()).as(enabledAsText.response().body()).isEqualTo(400);
            assertThat(enabledAsText.message()).contains("token is empty");
            AdminClient.Answer enabledByPlaceholder = host.client.post("config_set", java.util.Map.of("name",
                    "ADMIN_CONFIG", "value", java.util.Map.of("enabled", "${JSORC_ADMIN_ENABLED:false}", "port", 70000,
                            "token", AdminHost.TOKEN)));
            assertThat(enabledByPlaceholder.status()).as(enabledByPlaceholder.response().body()).isEqualTo(400);
            assertThat(enabledByPlaceholder.message()).contains("port is 70000");
            AdminClient.Answer notAFlag = host.client.post("config_update", java.util.Map.of("name", "ADMIN_CONFIG",
                    "field_key", "enabled", "field_value", "yes"));
            assertThat(notAFlag.status()).as(notAFlag.response().body()).isEqualTo(400);
            assertThat(notAFlag.message()).contains("'enabled'", "allowed: true or false");
            AdminClient.Answer deleted = host.client.post("config_delete", java.util.Map.of("name", "ADMIN_CONFIG"));
            assertThat(deleted.status()).as(deleted.response().body()).isEqualTo(400);
            assertThat(deleted.message()).contains("was not deleted", "default", "token is empty");
            assertThat(host.orchestrator.configGet("ADMIN_CONFIG")).as("nothing stored").isEqualTo(before);
            assertThat(host.client.post("config_list", java.util.Map.of()).status()).as("the API still answers")
                    .isEqualTo(200);
        }
    }

    @Test
    void deletingAnAdminConfigWhoseDefaultCanRunIsAllowed() throws Exception {
        try (AdminHost host = AdminHost.startWithEnvironment(java.util.Map.of("JSORC_ADMIN_ENABLED", "true",
                "JSORC_ADMIN_TOKEN", AdminHost.TOKEN))) {
            host.orchestrator.configSet("ADMIN_CONFIG", "{\"enabled\": true, \"port\": 0, \"token\": \""
                    + AdminHost.TOKEN + "\"}");
            AdminClient.Answer deleted = host.client.post("config_delete", java.util.Map.of("name", "ADMIN_CONFIG"));
            assertThat(deleted.status()).as(deleted.response().body()).isEqualTo(200);
            assertThat(deleted.message()).isEqualTo("Config ADMIN_CONFIG deleted; the admin service refreshes once "
                    + "this answer is sent");
        }
    }

    @Test
    void aNewTokenStoredThroughTheConfigApiEndsTheOldOneHere() throws Exception {
        try (AdminHost host = AdminHost.start()) {
            AdminService before = host.admin;
            String fresh = "fresh-token-0123456789abcdef";
            AdminClient.Answer updated = host.client.post("config_update", java.util.Map.of("name", "ADMIN_CONFIG",
                    "field_key", "token", "field_value", "\"" + fresh + "\""));
            assertThat(updated.status()).as(updated.response().body()).isEqualTo(200);
            assertThat(updated.message()).contains("refreshes once this answer is sent");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() ->
                    host.orchestrator.svc("admin") != before && host.orchestrator.svc("admin").isRunning());
            String url = host.orchestrator.svc("admin", AdminService.class).url();
            assertThat(new AdminClient(url, AdminHost.TOKEN).post("config_list", java.util.Map.of()).status())
                    .as("the old token").isEqualTo(401);
            assertThat(new AdminClient(url, fresh).post("config_list", java.util.Map.of()).status())
                    .as("the new token").isEqualTo(200);
        }
    }

    @Test
    void everyThreadTheAdminServerStartsIsANamedDaemon() throws Exception {
        java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
        try (AdminHost host = AdminHost.start()) {
            assertThat(host.client.get("/healthz", false).status()).isEqualTo(200);
            assertThat(host.client.post("config_list", java.util.Map.of()).status()).isEqualTo(200);
            java.util.List<String> started = Thread.getAllStackTraces().keySet().stream()
                    .filter(thread -> !before.contains(thread) && thread.isAlive())
                    .map(thread -> thread.getName() + (thread.isDaemon() ? "" : " (not a daemon)")).sorted().toList();
            System.out.println("threads started with the admin server: " + started);
            assertThat(started).as("the connection's idle timeout runs on the admin's own timer")
                    .anyMatch(name -> name.startsWith("jsorc-admin-timer"));
            assertThat(started).noneMatch(name -> name.endsWith("(not a daemon)"));
        }
    }

    @Test
    void refreshingTheAdminServiceThroughItsOwnApiAnswersThenRestartsIt() throws Exception {
        try (AdminHost host = AdminHost.start()) {
            AdminService before = host.admin;
            long t0 = System.nanoTime();
            AdminClient.Answer refreshed = host.client.post("service_refresh", java.util.Map.of("name", "admin"));
            System.out.printf("service_refresh admin answered %d in %d ms%n", refreshed.status(),
                    (System.nanoTime() - t0) / 1_000_000);
            assertThat(refreshed.status()).as(refreshed.response().body()).isEqualTo(200);
            assertThat(refreshed.message()).contains("refreshes once this answer is sent");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() ->
                    host.orchestrator.svc("admin") != before && host.orchestrator.svc("admin").isRunning());

            // The config editor's save of the admin service's own config: stored, answered, then refreshed.
            AdminService second = host.orchestrator.svc("admin", AdminService.class);
            AdminClient client = new AdminClient(second.url(), AdminHost.TOKEN);
            AdminClient.Answer stored = client.post("service_config_set", java.util.Map.of("name", "admin",
                    "config", java.util.Map.of("enabled", true, "port", 0, "token", AdminHost.TOKEN,
                            "session_ttl_s", 600)));
            assertThat(stored.status()).as(stored.response().body()).isEqualTo(200);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() ->
                    host.orchestrator.svc("admin") != second && host.orchestrator.svc("admin").isRunning());
            assertThat(host.orchestrator.configGet("ADMIN_CONFIG")).contains("\"session_ttl_s\":600");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> Thread
                    .getAllStackTraces().keySet().stream().noneMatch(thread -> thread.getName()
                            .equals(io.jsorc.admin.dashboard.SelfRefresh.THREAD))); // the refresh daemons ended
        }
    }
}
