package io.jsorc.admin;

import io.jsorc.action.ActionManager;
import io.jsorc.admin.dashboard.Dashboard;
import io.jsorc.operate.OperatorContext;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.MinimumDataRateHandler;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

import java.net.InetAddress;
import java.util.function.Supplier;

/**
 * The admin HTTP server: Jetty on the configured address, a small bounded thread pool of daemon threads, idle
 * connections closed after 30 s. Built and started by {@link AdminService}, stopped when the service is discarded.
 */
public final class AdminServer implements AutoCloseable {

    /** How many requests are handled at once. */
    static final int MAX_REQUESTS = 8;
    /** How many more requests may wait for one of those; beyond that a request is answered 503. */
    static final int MAX_WAITING = 64;
    /** How long a request may wait before it is answered 503. */
    static final java.time.Duration MAX_WAIT = java.time.Duration.ofSeconds(10);
    /** How long an idle connection is kept. */
    static final long IDLE_TIMEOUT_MS = 30_000;
    /** The slowest a request body may arrive, in bytes per second, over the whole body. */
    static final long MIN_REQUEST_DATA_RATE = 1024;

    private final Server server;
    private final ServerConnector connector;
    private final HealthChecks health;
    private final LoadTestOperations loadTests;
    private final String host;
    private final Dashboard dashboard;

    AdminServer(AdminSettings settings, OperatorContext operator, Supplier<ActionManager> actions) {
        OperationTable operations = new OperationTable();
        new ConfigOperations(operator).addTo(operations);
        new ServiceOperations(operator).addTo(operations);
        new ManifestOperations(operator).addTo(operations);
        new ActionOperations(actions).addTo(operations);
        new TrackingOperations(actions).addTo(operations);
        this.loadTests = new LoadTestOperations(actions, Thread.currentThread().getContextClassLoader(),
                LoadTestOperations.guardOf(operator.components()));
        loadTests.addTo(operations);
        this.health = new HealthChecks(operator, settings.readiness(), settings.healthTimeout());

        QueuedThreadPool threads = new QueuedThreadPool(16, 2, 60_000);
        threads.setName("jsorc-admin");
        threads.setDaemon(true);
        // A named daemon scheduler: Jetty's default one (idle timeouts, the QoS wait limit) runs non-daemon
        // "Scheduler-N" threads that would keep a host's JVM alive.
        this.server = new Server(threads, new ScheduledExecutorScheduler("jsorc-admin-timer", true), null);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        this.connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(settings.host());
        connector.setPort(settings.port());
        connector.setIdleTimeout(IDLE_TIMEOUT_MS);
        server.addConnector(connector);
        // dashboard (issue 15): sign-in and the CSRF check go in front of the admin handler, inside the limit
        TokenCheck token = new TokenCheck(settings.token());
        this.dashboard = new Dashboard(settings.sessionLifetime(), token.fingerprint(), token::accepts, operator,
                actions, AdminService.NAME, fields -> AdminConfigCheck.checkOverDefault(operator, fields));
        Handler.Sequence api = new Handler.Sequence(dashboard.apiHandlers());
        AdminHandler admin = new AdminHandler(operations, settings, health, actions, dashboard.auth());
        api.addHandler(admin);
        // At most MAX_REQUESTS operations run at once and MAX_WAITING wait (up to MAX_WAIT); beyond that: 503.
        // A body trickled in (a byte now and then, each within the idle timeout) would hold one of those few slots for
        // hours: sign-in reads its body before anything is authorized. A read slower than this fails (Jetty 12's
        // HttpConfiguration.setMinRequestDataRate is not enforced; this handler is).
        QoSHandler limit = new QoSHandler(new MinimumDataRateHandler(api, MIN_REQUEST_DATA_RATE, 0));
        limit.setMaxRequestCount(MAX_REQUESTS);
        limit.setMaxSuspendedRequestCount(MAX_WAITING);
        limit.setMaxSuspend(MAX_WAIT);
        limit.setRejectStatusCode(503);
        // The probes, the page and the event stream are outside the limit: eight long operations (an apply_yaml
        // waiting for readiness, a remote action load) must not make Kubernetes see a dead or unready pod.
        server.setHandler(new Handler.Sequence(new Probes(admin), dashboard.front(limit)));
        server.setStopTimeout(5_000);
        this.host = settings.host();
    }

    /**
     * Binds the port and starts serving.
     *
     * @throws Exception when the address cannot be bound (in use, not local)
     */
    void start() throws Exception {
        try {
            server.start();
        } catch (Exception e) {
            close();
            throw new IllegalStateException("The admin server cannot listen on " + host + ":" + connector.getPort()
                    + ": " + e.getMessage(), e);
        }
    }

    /** {@return the bound port} */
    public int port() {
        return connector.getLocalPort();
    }

    /** {@return the base URL, e.g. {@code http://127.0.0.1:9466}} */
    public String url() {
        String shown = host;
        try {
            InetAddress address = InetAddress.getByName(host);
            if (address.isAnyLocalAddress()) {
                shown = "127.0.0.1";
            } else if (address instanceof java.net.Inet6Address) {
                shown = "[" + address.getHostAddress() + "]";
            }
        } catch (java.net.UnknownHostException ignored) {
            // shown as configured
        }
        return "http://" + shown + ":" + port();
    }

    /** Stops serving: a load test in progress is interrupted, connections close. Idempotent. */
    @Override
    public void close() {
        loadTests.stop();
        try {
            server.stop();
        } catch (Exception e) {
            org.slf4j.LoggerFactory.getLogger(AdminServer.class).warn("The admin server did not stop cleanly: {}",
                    e.toString());
        }
        health.close();
        dashboard.close();
    }
}
