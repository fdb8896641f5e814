package io.jsorc.services.redis;

import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisConnectionException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The config store's own link to Redis: one bare jedis {@link Connection}, opened on first use and again after it
 * broke, carrying one command at a time.
 *
 * <p>Not a {@code RedisClient}: the store sends a handful of commands (EVAL, GET, HKEYS), almost always from its
 * memory copy's misses, and a client's pool and command graph (~300 classes, ~800 KB of bytecode) cost a fresh JVM
 * ~100 ms on the first config read, which every start makes. The {@code redis} service keeps the full client for
 * the application.
 */
final class RedisConfigConnection implements AutoCloseable {

    private final HostAndPort address;
    private final JedisClientConfig config;
    private Connection connection;
    private boolean closed;

    RedisConfigConnection(HostAndPort address, JedisClientConfig config) {
        this.address = address;
        this.config = config;
    }

    /**
     * Runs a Lua script with EVAL.
     *
     * @param script the script
     * @param keys   its KEYS
     * @param args   its ARGV
     * @return the reply: a {@code List} of {@code byte[]}, {@code Long} and {@code null} parts for a table, a
     *     {@code Long} for a number
     */
    Object eval(String script, List<String> keys, List<String> args) {
        CommandArguments command = new CommandArguments(Protocol.Command.EVAL).add(script).add(keys.size());
        keys.forEach(command::add);
        args.forEach(command::add);
        return execute(command);
    }

    /** {@return the string at {@code key}, or {@code null}} */
    String get(String key) {
        return text(execute(new CommandArguments(Protocol.Command.GET).add(key)));
    }

    /** {@return the fields of the hash at {@code key}} */
    List<String> hkeys(String key) {
        Object reply = execute(new CommandArguments(Protocol.Command.HKEYS).add(key));
        List<String> fields = new ArrayList<>();
        if (reply instanceof List<?> parts) {
            parts.forEach(part -> fields.add(text(part)));
        }
        return fields;
    }

    /** {@return a reply part as text} {@code byte[]} as UTF-8, {@code null} as {@code null}. */
    static String text(Object part) {
        return part == null ? null : part instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8)
                : String.valueOf(part);
    }

    private synchronized Object execute(CommandArguments command) {
        Connection current = connected();
        try {
            return current.executeCommand(command);
        } catch (JedisConnectionException e) {
            drop(); // the next command opens a fresh one
            throw e;
        }
    }

    private Connection connected() {
        if (closed) {
            throw new JedisConnectionException("The config store's Redis connection is closed");
        }
        if (connection != null && connection.isBroken()) {
            drop();
        }
        if (connection == null) {
            connection = new Connection(address, config);
        }
        return connection;
    }

    private void drop() {
        Connection broken = connection;
        connection = null;
        if (broken != null) {
            try {
                broken.close();
            } catch (RuntimeException ignored) {
                // already broken: nothing left to release
            }
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        drop();
    }
}
