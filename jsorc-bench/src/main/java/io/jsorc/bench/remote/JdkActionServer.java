package io.jsorc.bench.remote;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jsorc.action.ActionMethod;
import io.jsorc.action.ActionServer;
import io.jsorc.action.ActionSpec;
import io.jsorc.base.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * The remote action server as it was before Jetty, on the JDK's {@code com.sun.net.httpserver} (same wire format,
 * same token check, {@code TCP_NODELAY}, a fixed pool of two workers per core), kept as a benchmark candidate.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.jsorc.bench.remote.JdkActionServer <module class>}; the token comes from
 * {@value ActionServer#TOKEN_ENV}, the bound port goes to the file named by {@value ActionServer#PORT_FILE_ENV}.
 */
public final class JdkActionServer {

    private final ActionSpec spec;
    private final Object module;
    private final byte[] expected;

    private JdkActionServer(Class<?> type, String token) throws ReflectiveOperationException {
        this.spec = ActionSpec.of(type);
        this.module = type.getDeclaredConstructor().newInstance();
        this.expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Runs the server until the JVM is stopped or its parent is gone.
     *
     * @param args the module class name
     * @throws Exception when it cannot start
     */
    public static void main(String[] args) throws Exception {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        JdkActionServer handler = new JdkActionServer(Class.forName(args[0]), System.getenv(ActionServer.TOKEN_ENV));
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        java.util.concurrent.ExecutorService workers = Executors.newFixedThreadPool(
                Math.max(2, Runtime.getRuntime().availableProcessors() * 2));
        server.setExecutor(workers);
        server.createContext("/", handler::handle);
        server.start();
        ChildProcesses.reportPort(server.getAddress().getPort());
        ChildProcesses.runUntilParentExits(() -> {
            server.stop(0);
            workers.shutdownNow();
        });
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String given = exchange.getRequestHeaders().getFirst("Authorization");
            if (given == null || !MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
                respond(exchange, 401, Map.of("error", "A call needs Authorization: Bearer <the server's token>"));
                return;
            }
            if (path.equals(ActionServer.SPEC_PATH)) {
                respond(exchange, 200, spec.describe());
                return;
            }
            ActionMethod action = spec.action(path.substring(1));
            if (action == null) {
                respond(exchange, 404, Map.of("error", "No action " + path));
                return;
            }
            Map<String, Object> wire;
            try (InputStream in = exchange.getRequestBody()) {
                String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                wire = body.isBlank() ? Map.of() : Json.parseObject(body, "request body");
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("result", action.invoke(module, action.fromWire(wire)));
            respond(exchange, 200, result);
        }
    }

    private static void respond(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
