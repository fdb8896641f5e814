package io.jsorc.action;

import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Hosts one action module over HTTP/JSON: {@code GET /jsorc_actions_spec/} lists the actions with their parameters,
 * {@code POST /<action>} calls one with the wire form ({@code {param: value, "*rest": [...], "**keywords": {...}}})
 * and answers {@code {"result": ...}} or, on failure, status 400/500 with {@code {"error": ...}} (and, when the
 * action threw, {@code "type"} and {@code "message"}: the exception's class and message, never a stack trace);
 * {@code GET /healthz} answers {@code ok}. Bodies above the cap get 413, calls beyond the request queue 503.
 *
 * <p>Runs on Jetty's core handler API (no servlet): non-blocking parsing, keep-alive, {@code TCP_NODELAY}.
 * {@link ActionServerMain} runs one as a child process ({@code java -cp ... io.jsorc.action.ActionServer
 * <module class> <port> [jar]}).
 */
public final class ActionServer implements AutoCloseable {

    /** The spec endpoint. */
    public static final String SPEC_PATH = "/jsorc_actions_spec/";
    /** Environment variable that carries the call token to a child server (never argv, which others can read). */
    public static final String TOKEN_ENV = "JSORC_ACTION_TOKEN";
    /** Environment variable naming the address to bind; loopback without it, all interfaces only inside a pod. */
    public static final String BIND_ENV = "JSORC_ACTION_BIND";
    /**
     * Environment variable naming the file a server started on port 0 writes its bound port to (a line of digits),
     * so that its launcher learns the port without probing for a free one first.
     */
    public static final String PORT_FILE_ENV = "JSORC_ACTION_PORT_FILE";
    /**
     * Environment variable holding the pid of the host that launched the server: the server stops when that process
     * is gone, also when it is gone before the server could watch it (its parent is then init, not the host).
     */
    public static final String PARENT_PID_ENV = "JSORC_ACTION_PARENT_PID";
    /**
     * Environment variable naming the launcher's folder for this server (its port file and log), which the server
     * deletes when it stops because its host is gone: a host killed with SIGKILL retires nothing. Set unless
     * {@code remote.keep_logs}; only a folder named {@code jsorc-action-*} is deleted.
     */
    public static final String CLEANUP_DIR_ENV = "JSORC_ACTION_CLEANUP_DIR";

    /** Jetty's selector, acceptor and the threads it keeps in reserve, beyond the ones running calls. */
    private static final int SERVER_THREADS = 6;
    /** The connections open at once; more wait in the accept queue. */
    private static final int MAX_CONNECTIONS = 512;
    /** How long closing waits for the calls in flight. */
    private static final long STOP_TIMEOUT_MILLIS = 1_000;

    private final ActionSpec spec;
    private final Server server;
    private final ServerConnector connector;
    private final GracefulHandler graceful;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Builds the module and starts serving it on loopback, without a token (tests and in-process use).
     *
     * @param type the module class
     * @param port the loopback port (0: any free one)
     * @throws IOException when the port cannot be bound
     * @throws ReflectiveOperationException when the module cannot be built
     */
    public ActionServer(Class<?> type, int port) throws IOException, ReflectiveOperationException {
        this(type, new InetSocketAddress(InetAddress.getLoopbackAddress(), port), null);
    }

    /**
     * Builds the module and starts serving it on {@code address} with the {@link ServerLimits#defaults() default
     * limits}.
     *
     * @param type    the module class
     * @param address where to listen
     * @param token   the call token; {@code null} or empty only on a loopback address
     * @throws IOException                  when the address cannot be bound
     * @throws ReflectiveOperationException when the module cannot be built
     * @throws IllegalArgumentException     when a non-loopback address has no token
     */
    public ActionServer(Class<?> type, InetSocketAddress address, String token)
            throws IOException, ReflectiveOperationException {
        this(type, address, token, ServerLimits.defaults());
    }

    /**
     * Builds the module and starts serving it on {@code address}. Every call but {@code GET /healthz} must carry
     * {@code Authorization: Bearer <token>} (compared in constant time; 401 and nothing runs otherwise).
     *
     * @param type    the module class (checked for {@link ActionModule} before it is initialised)
     * @param address where to listen
     * @param token   the call token; {@code null} or empty only on a loopback address
     * @param limits  what the server takes before it refuses
     * @throws IOException                  when the address cannot be bound
     * @throws ReflectiveOperationException when the module cannot be built
     * @throws IllegalArgumentException     when a non-loopback address has no token: anyone who reaches it could run
     *                                      the module's code
     */
    public ActionServer(Class<?> type, InetSocketAddress address, String token, ServerLimits limits)
            throws IOException, ReflectiveOperationException {
        if ((token == null || token.isEmpty()) && !address.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("An action server on " + address + " needs a call token ("
                    + TOKEN_ENV + "): without one, anyone who reaches the port runs the module's actions");
        }
        this.spec = ActionSpec.of(type);
        Object module = type.getDeclaredConstructor().newInstance();
        this.server = newServer(limits);
        this.connector = newConnector(server, address, limits);
        server.addConnector(connector);
        // Connections are not calls (a host keeps idle ones for reuse): bounded apart, so that a flood of them stalls
        // the acceptor rather than exhausting file descriptors.
        server.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, connector));
        connector.addEventListener(new SlowRequestGuard(server.getScheduler(), limits));
        ActionHandler actions = new ActionHandler(spec, module, limits.maxBodyBytes(), token);
        // The queue sits behind the body reading: a call holds a slot only once its body is there, so clients that
        // send slowly cannot take the slots.
        QoSHandler queue = new QoSHandler(actions.invoker());
        queue.setMaxRequestCount(limits.maxConcurrentCalls());
        queue.setMaxSuspendedRequestCount(limits.maxQueuedCalls());
        queue.setMaxSuspend(limits.maxQueueWait());
        actions.setHandler(queue);
        this.graceful = new GracefulHandler(actions);
        server.setHandler(graceful);
        server.setErrorHandler(new JsonErrorHandler());
        // No graceful stop of Jetty's own: it waits out its whole timeout while a client keeps an idle connection
        // open, so every retire of a child JVM took a second. close() waits for the calls in flight instead.
        server.setStopTimeout(0);
        try {
            server.start();
        } catch (IOException e) {
            stopQuietly();
            throw e;
        } catch (Exception e) {
            stopQuietly();
            throw new IOException("The action server for '" + spec.module() + "' did not start on " + address
                    + ": " + e, e);
        }
    }

    private static Server newServer(ServerLimits limits) {
        int threads = limits.maxConcurrentCalls() + SERVER_THREADS;
        QueuedThreadPool pool = new QueuedThreadPool(threads, Math.min(threads, 4), 60_000);
        pool.setName("jsorc-action-server");
        pool.setDaemon(true); // a host that forgets to close a server must still be able to exit
        return new Server(pool, new ScheduledExecutorScheduler("jsorc-action-server-timer", true), null);
    }

    private static ServerConnector newConnector(Server server, InetSocketAddress address, ServerLimits limits) {
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false); // tells strangers nothing about the server
        http.setSendXPoweredBy(false);
        http.setSendDateHeader(false);
        http.setRequestHeaderSize(16 * 1024);
        // Heap buffers: a whole small body is parsed where it lies, without copying it out of a direct buffer.
        http.setUseInputDirectByteBuffers(false);
        http.setIdleTimeout(limits.idleTimeout().toMillis());
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(address.getAddress().getHostAddress());
        connector.setPort(address.getPort());
        connector.setIdleTimeout(limits.idleTimeout().toMillis());
        connector.setAcceptedTcpNoDelay(true); // small answers: no Nagle delay against the client's delayed ACK
        connector.setAcceptQueueSize(64);
        return connector;
    }

    /** {@return the bound address} */
    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress().getHostAddress().equals(connector.getHost())
                ? InetAddress.getLoopbackAddress() : addressOf(connector.getHost()), port());
    }

    private static InetAddress addressOf(String host) {
        try {
            return InetAddress.getByName(host);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("The bound host " + host + " does not resolve", e);
        }
    }

    /** {@return the bound port} */
    public int port() {
        return connector.getLocalPort();
    }

    /** {@return the name of the module served} */
    public String module() {
        return spec.module();
    }

    /**
     * Lets calls in flight finish (at most 1 s; new ones get 503), then stops the server and its threads. An idle
     * server stops at once.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            graceful.shutdown().get(STOP_TIMEOUT_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            // calls still running after the grace period: they are cut off
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopQuietly();
    }

    private void stopQuietly() {
        try {
            server.stop();
        } catch (Exception e) {
            org.slf4j.LoggerFactory.getLogger(ActionServer.class).warn("The action server for '{}' did not stop "
                    + "cleanly: {}", spec.module(), e.toString());
        }
    }

    /**
     * Runs a server until the JVM is told to stop or its parent process is gone (see {@link ActionServerMain}).
     *
     * @param args module class name, port (0: any free one, reported through the port file), optional jar path
     * @throws Exception when the server cannot start
     */
    public static void main(String[] args) throws Exception {
        // This JVM exists for the server alone: once it stopped (SIGTERM, or the host gone), or could not start, end
        // it even when the module left a thread of its own running (an executor made in its constructor), which would
        // keep it alive with no host. The process's entry point, like a command line's main: the one place this may
        // exit.
        int status = 1;
        try {
            ActionServerMain.run(args, System.getenv(), () -> System.exit(1));
            status = 0;
        } catch (Exception | Error e) {
            // Said here: the exit below would keep the JVM from printing it, and the host quotes this log's tail.
            org.slf4j.LoggerFactory.getLogger(ActionServer.class).error("The action server could not run", e);
            throw e;
        } finally {
            System.exit(status);
        }
    }
}
