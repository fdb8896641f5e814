package io.jsorc.services.redis;

import io.jsorc.base.ClassPreloader;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** jsorc-services' preload list: guarded by the Redis hook, what the building thread loads, and every class exists. */
class PreloadListTest {

    @Test
    void theRedisHooksSectionListsOnlyClassesThatExist() {
        ClassLoader loader = PreloadListTest.class.getClassLoader();
        Map<String, List<String>> sections = ClassPreloader.read(loader);
        List<String> hook = sections.get(RedisHook.class.getName());
        assertThat(hook).as("the section of " + RedisHook.class.getName()).isNotEmpty()
                .contains("redis.clients.jedis.Connection", RedisConfigConnection.class.getName(),
                        RedisConfigState.class.getName())
                // The building thread never loads the client: a start builds no redis service.
                .doesNotContain("redis.clients.jedis.RedisClient");
        List<String> missing = hook.stream().filter(name -> {
            try {
                Class.forName(name, false, loader);
                return false;
            } catch (ClassNotFoundException | LinkageError e) {
                return true;
            }
        }).toList();
        assertThat(missing).as("listed in jsorc-services' " + ClassPreloader.RESOURCE + " but not found").isEmpty();
    }
}
