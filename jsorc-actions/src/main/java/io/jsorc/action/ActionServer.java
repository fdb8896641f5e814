package io.jsorc.action;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jsorc.base.DaemonThreads;
import io.jsorc.base.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Hosts one action module over HTTP/JSON: {@code GET /jsorc_actions_spec/} lists the actions with their parameters,
 * {@code POST /<action>} calls one with the wire form ({@code {param: value, "*rest": [...], "**keywords": {...}}})
 * and answers {@code {"result": ...}} or, on failure, status 400/500 with {@code {"error": ...}};
 * {@code GET /healthz} answers {@code ok}. SIGTERM stops it cleanly.
 *
 * <p>Usage: {@code java -cp ... io.jsorc.action.ActionServer <module class> <port> [jar]}.
 */
public final class ActionServer implements AutoCloseable {

    /** The spec endpoint. */
    public static final String SPEC_PATH = "/jsorc_actions_spec/";

    private final ActionSpec spec;
    private final Object module;
    private final HttpServer server;
    private final ExecutorService executor;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    /** {@code Bearer <token>} as bytes, or {@code null} for a loopback server started without a token. */
    private final byte[] expectedAuthorization;

    /** Environment variable that carries the call token to a child server (never argv, which others can read). */
    public static final String TOKEN_ENV = "JSORC_ACTION_TOKEN";
    /** Environment variable naming the address to bind; loopback without it, all interfaces only inside a pod. */
    public static final String BIND_ENV = "JSORC_ACTION_BIND";

    /**
     * Builds the module and starts serving it on loopback, without a token (tests and in-process use).
     *
     * @param type the module class
     * @param port the loopback port (0: any free one)
     * @throws IOException when the port cannot be bound
     * @throws ReflectiveOperationException when the module cannot be built
     */
    public ActionServer(Class<?> type, int port) throws IOException, ReflectiveOperationException {
        this(type, new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), null);
    }

    /**
     * Builds the module and starts serving it on {@code address}. Every call but {@code GET /healthz} must carry
     * {@code Authorization: Bearer <token>} (compared in constant time; 401 and nothing runs otherwise).
     *
     * @param type    the module class
     * @param address where to listen
     * @param token   the call token; {@code null} or empty only on a loopback address
     * @throws IOException                  when the address cannot be bound
     * @throws ReflectiveOperationException when the module cannot be built
     * @throws IllegalArgumentException     when a non-loopback address has no token: anyone who reaches it could run
     *                                      the module's code
     */
    public ActionServer(Class<?> type, InetSocketAddress address, String token)
            throws IOException, ReflectiveOperationException {
        boolean noToken = token == null || token.isEmpty();
        if (noToken && !address.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("An action server on " + address + " needs a call token ("
                    + TOKEN_ENV + "): without one, anyone who reaches the port runs the module's actions");
        }
        this.expectedAuthorization = noToken ? null
                : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        this.spec = ActionSpec.of(type);
        this.module = type.getDeclaredConstructor().newInstance();
        this.server = HttpServer.create(address, 64);
        this.executor = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors() * 2),
                DaemonThreads.factory("jsorc-action-server"));
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** {@return the bound address} */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** {@return the bound port} */
    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/healthz")) {
                respond(exchange, 200, Map.of("status", "ok")); // open to probes; says nothing about the module
                return;
            }
            if (!authorized(exchange)) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
                respond(exchange, 401, Map.of("error", "A call needs Authorization: Bearer <the server's token>"));
                return;
            }
            if (path.equals(SPEC_PATH) || path.equals(SPEC_PATH.substring(0, SPEC_PATH.length() - 1))) {
                respond(exchange, 200, spec.describe());
                return;
            }
            if (!exchange.getRequestMethod().equals("POST")) {
                respond(exchange, 405, Map.of("error", "Use POST /<action>; GET " + SPEC_PATH + " lists them"));
                return;
            }
            String name = path.substring(1);
            ActionMethod action = spec.action(name);
            if (action == null) {
                respond(exchange, 404, Map.of("error", "No action '" + name + "' in module '" + spec.module()
                        + "'; actions: " + spec.names()));
                return;
            }
            Map<String, Object> wire;
            try (InputStream in = exchange.getRequestBody()) {
                String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                wire = body.isBlank() ? Map.of() : Json.parseObject(body, "request body of action '" + name + "'");
            } catch (IllegalArgumentException e) {
                respond(exchange, 400, Map.of("error", e.getMessage()));
                return;
            }
            try {
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("result", action.invoke(module, action.fromWire(wire)));
                respond(exchange, 200, result);
            } catch (ActionArgumentException e) {
                respond(exchange, 400, Map.of("error", e.getMessage()));
            } catch (ActionException e) {
                respond(exchange, e.getCause() == null ? 400 : 500, Map.of("error", e.getMessage()));
            }
        }
    }

    private boolean authorized(HttpExchange exchange) {
        if (expectedAuthorization == null) {
            return true;
        }
        String given = exchange.getRequestHeaders().getFirst("Authorization");
        return given != null && java.security.MessageDigest.isEqual(expectedAuthorization,
                given.getBytes(StandardCharsets.UTF_8));
    }

    private static void respond(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /**
     * Lets calls in flight finish (at most 1 s), then stops the server and its workers. An idle server stops at once:
     * {@code HttpServer.stop(1)} alone would wait the whole second on this JDK even with nothing in flight, which made
     * every retire of a child JVM, and so every host shutdown with remote actions, a second slower.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        executor.shutdown(); // no new calls; the ones running finish
        try {
            if (!executor.awaitTermination(1, java.util.concurrent.TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
        server.stop(0);
    }

    /**
     * Runs a server until the JVM is told to stop.
     *
     * @param args module class name, port, optional jar path
     * @throws Exception when the server cannot start
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: ActionServer <module class> <port> [jar]");
        }
        // Small JSON answers go out as headers + body: without TCP_NODELAY, Nagle's algorithm and the client's delayed
        // ACK add ~40 ms to every call. Read once by the JDK's HTTP server, so set before it is first used.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        ClassLoader loader = ActionServer.class.getClassLoader();
        if (args.length > 2) {
            loader = new URLClassLoader(new URL[]{Path.of(args[2]).toUri().toURL()}, loader);
        }
        // Initialised only once ActionSpec.of found @ActionModule (the constructor checks it before building one).
        String bind = System.getenv(BIND_ENV);
        InetSocketAddress address = bind == null || bind.isBlank()
                ? new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), Integer.parseInt(args[1]))
                : new InetSocketAddress(bind, Integer.parseInt(args[1]));
        ActionServer server = new ActionServer(Class.forName(args[0], false, loader), address,
                System.getenv(TOKEN_ENV));
        CountDownLatch stopped = new CountDownLatch(1);
        // Not DaemonThreads: a shutdown hook must be an unstarted thread, and the daemon flag means nothing to it.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "jsorc-action-server-shutdown"));
        // A host killed with SIGKILL runs no shutdown hook and retires nothing: the server goes with its parent.
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> {
            org.slf4j.LoggerFactory.getLogger(ActionServer.class).info("The host process {} is gone; stopping",
                    parent.pid());
            server.close();
            stopped.countDown();
        }));
        org.slf4j.LoggerFactory.getLogger(ActionServer.class).info("Action server for '{}' on port {}",
                server.spec.module(), server.port());
        stopped.await();
    }
}
