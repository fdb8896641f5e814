package io.jsorc.test;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;

/** What one test leaves in the class's Redis server is gone for the next, though the server kept running. */
@WithRedis
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FlushBetweenTestsTest {

    private static long pid;

    @Test
    @Order(1)
    void leavesAKeyBehind(RedisServer server) {
        assertThat(server.command("SET leftover 1")).isEqualTo("+OK");
        pid = server.pid();
    }

    @Test
    @Order(2)
    void findsAnEmptyServer(RedisServer server) {
        assertThat(server.pid()).as("the same process: emptied, not restarted").isEqualTo(pid);
        assertThat(server.command("DBSIZE")).isEqualTo(":0");
    }
}
