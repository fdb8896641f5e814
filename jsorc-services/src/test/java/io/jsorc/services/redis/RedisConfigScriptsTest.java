package io.jsorc.services.redis;

import io.jsorc.test.RedisServer;
import io.jsorc.test.WithRedis;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The config store's script against a real Redis: a write a replica kept while Redis was down, based on a data set
 * that is gone, wins over the older copy another replica re-seeded into the empty Redis, and loses to a newer one.
 */
@WithRedis
class RedisConfigScriptsTest {

    private static final String CHANNEL = RedisHook.channel(0);

    @Test
    void aKeptWriteWinsOverAReSeededCopyOfItsBaseVersionButNotOverANewerOne(RedisServer server) {
        try (RedisConfigConnection redis = new RedisConfigConnection(new HostAndPort(server.host(), server.port()),
                DefaultJedisClientConfig.builder().build())) {
            // Redis came back empty; replica B re-seeds its copy, version 5 of the old data set E1.
            RedisConfigScripts.Stored seeded = RedisConfigScripts.run(redis, RedisConfigScripts.Op.SEED, "K",
                    "\"x\"", 5, "E1", "set", "b", CHANNEL);
            assertThat(seeded.written()).isTrue();
            assertThat(seeded.kind()).isEqualTo("seed");
            // Replica A's write, kept while Redis was down, based on that same version 5 of E1.
            RedisConfigScripts.Stored kept = RedisConfigScripts.run(redis, RedisConfigScripts.Op.SET, "K", "\"y\"", 5,
                    "E1", null, "a", CHANNEL);
            assertThat(kept.written()).as("not lost to the older copy").isTrue();
            assertThat(kept.value()).isEqualTo("\"y\"");
            assertThat(kept.version()).isEqualTo(6);

            // Another key: B had seen version 7 before Redis died; A's write on version 5 is older and loses.
            RedisConfigScripts.run(redis, RedisConfigScripts.Op.SEED, "L", "\"newer\"", 7, "E1", "set", "b", CHANNEL);
            RedisConfigScripts.Stored older = RedisConfigScripts.run(redis, RedisConfigScripts.Op.SET, "L", "\"old\"",
                    5, "E1", null, "a", CHANNEL);
            assertThat(older.written()).isFalse();
            assertThat(older.value()).isEqualTo("\"newer\"");
        }
    }
}
