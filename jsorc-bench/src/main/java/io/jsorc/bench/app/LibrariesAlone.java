package io.jsorc.bench.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;

import java.util.Locale;

/**
 * The floor under the real app's start-up lines: what its libraries alone cost in a fresh JVM, whatever container
 * runs them. slf4j's first logger (its provider lookup opens every jar of the class path) and one jedis connection
 * with a GET, the least any container of this app does before it can read its config from Redis. Neither JsOrc's line
 * nor Spring's can go below it; the distance to it is what the container itself costs.
 *
 * <p>Usage: {@code java -cp ... io.jsorc.bench.app.LibrariesAlone <redis port> [redis host]}.
 */
public final class LibrariesAlone {

    private LibrariesAlone() {
    }

    /**
     * Creates the first logger, then connects to Redis and reads one key.
     *
     * @param host Redis host
     * @param port Redis port
     * @return the key's value, or {@code null} when it is not set (an empty store, as in every benchmark fork)
     */
    public static Object start(String host, int port) {
        logger().debug("libraries alone");
        return get(host, port);
    }

    private static Logger logger() {
        return LoggerFactory.getLogger(LibrariesAlone.class);
    }

    private static Object get(String host, int port) {
        try (Connection connection = new Connection(host, port)) {
            return connection.executeCommand(new CommandArguments(Protocol.Command.GET).add("JSORC_CONFIG"));
        }
    }

    /**
     * Times the two steps in this (fresh) JVM and prints them.
     *
     * @param args the Redis port, then optionally its host (default 127.0.0.1)
     */
    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        String host = args.length > 1 ? args[1] : "127.0.0.1";
        long t0 = System.nanoTime();
        logger().debug("libraries alone");
        long t1 = System.nanoTime();
        get(host, port);
        long t2 = System.nanoTime();
        System.out.printf(Locale.ROOT, "libraries alone: first slf4j logger %.1f ms, jedis connect + GET %.1f ms, "
                + "total %.1f ms%n", (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t2 - t0) / 1e6);
    }
}
