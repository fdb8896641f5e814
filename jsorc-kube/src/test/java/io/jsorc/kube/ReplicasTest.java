package io.jsorc.kube;

import io.jsorc.Orchestrator;
import io.jsorc.ServiceState;
import io.jsorc.cluster.Leadership;
import io.jsorc.kube.RecordingDispatcher.Request;
import io.jsorc.kube.replicas.ReplicaConfig;
import io.jsorc.kube.replicas.ReplicaMain;
import io.jsorc.test.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three replicas against one test API server: two in child JVMs (so they can be killed and paused for real), one in
 * this JVM. One Lease, 2 s lease, 1 s renew deadline, 0.5 s retry period. Every replica runs the {@code redis}
 * service with the shipped {@code REDIS_MANIFEST} against one real {@code redis-server}, which
 * {@link RedisDeploymentPlayer} runs while the manifest's Deployment exists (the test plays the cluster). Writes are
 * counted at the API server by the replicas' user agents ({@code jsorc/<name>}).
 */
class ReplicasTest {

    private static final Duration STEADY = Duration.ofSeconds(30);

    private final List<Child> children = new ArrayList<>();
    private final List<Local> local = new CopyOnWriteArrayList<>();
    private KubeTestServer server;
    private RedisServer redis;
    private RedisDeploymentPlayer cluster;

    @AfterEach
    void stopAll() {
        for (Child child : children) {
            // What each child said, for a failure's diagnosis (bounded: the last 40 lines other than STATE).
            List<String> lines = child.lines;
            System.out.println("--- replica " + child.name + " (last lines) ---");
            lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(System.out::println);
        }
        if (cluster != null) {
            System.out.println("cluster player: last error " + cluster.lastFailure());
            cluster.close();
        }
        for (Child child : children) {
            child.destroy();
        }
        local.forEach(l -> l.orchestrator.close());
        if (redis != null) {
            redis.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** A replica in a child JVM, and the last state it printed. */
    private static final class Child {
        final String name;
        final Process process;
        final OutputStream stdin;
        final List<String> lines = new CopyOnWriteArrayList<>();
        /** The latest report, read as one: seq, leader, running, failures. */
        volatile long[] state = {0, 0, 0, 0};
        volatile boolean stopped;
        volatile long ignoreUntilSeq;

        Child(String name, Process process) {
            this.name = name;
            this.process = process;
            this.stdin = process.getOutputStream();
            Thread reader = new Thread(this::read, "replica-out-" + name);
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("STATE ")) {
                        String[] parts = line.split(" ");
                        state = new long[] {Long.parseLong(parts[1]), Boolean.parseBoolean(parts[2]) ? 1 : 0,
                                Boolean.parseBoolean(parts[3]) ? 1 : 0, Long.parseLong(parts[4])};
                    } else if (lines.size() < 5000) {
                        lines.add(line);
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }

        long seq() {
            return state[0];
        }

        boolean running() {
            return state[2] == 1;
        }

        /** {@return how often its redis service entered FAILED} */
        long failures() {
            return state[3];
        }

        /** {@return whether it leads by its own latest report (a dead, paused or just-woken one does not count)} */
        boolean leads() {
            long[] s = state;
            return process.isAlive() && !stopped && s[0] > ignoreUntilSeq && s[1] == 1;
        }

        void send(String command) throws IOException {
            stdin.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        }

        void signal(String signal) throws Exception {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
            assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(kill.exitValue()).as("kill -%s %s", signal, name).isZero();
        }

        void destroy() {
            if (process.isAlive()) {
                try {
                    signal("CONT"); // a paused JVM must be able to die
                } catch (Exception e) {
                    // best effort
                }
                process.destroyForcibly();
                try {
                    process.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** The replica in this JVM, and how often its redis service entered FAILED. */
    private record Local(String name, Orchestrator orchestrator, AtomicLong failures) {

        boolean running() {
            return !orchestrator.isClosed() && orchestrator.svc("redis").isRunning();
        }

        boolean leads() {
            return !orchestrator.isClosed() && Leadership.of(orchestrator).isLeader();
        }
    }

    private Child child(String name) throws IOException {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process process = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-Djsorc.index=false",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info", "-cp", System.getProperty("java.class.path"),
                ReplicaMain.class.getName(), server.basePath(), name, Integer.toString(redis.port()))
                .redirectErrorStream(true).start();
        Child child = new Child(name, process);
        children.add(child);
        return child;
    }

    private Local inProcess(String name) {
        AtomicLong failures = new AtomicLong();
        Orchestrator orchestrator = ReplicaConfig.builder(server.basePath(), name, redis.port())
                .listener((service, from, to, error) -> {
                    if (service.equals("redis") && to == ServiceState.FAILED) {
                        failures.incrementAndGet();
                    }
                }).build().start();
        Local replica = new Local(name, orchestrator, failures);
        local.add(replica);
        return replica;
    }

    private int leaders() {
        int count = 0;
        for (Child child : children) {
            count += child.leads() ? 1 : 0;
        }
        for (Local replica : local) {
            count += replica.leads() ? 1 : 0;
        }
        return count;
    }

    private String who() {
        StringBuilder out = new StringBuilder();
        for (Child child : children) {
            out.append(child.name).append(child.leads() ? "*" : "").append(child.process.isAlive() ? "" : "(dead)")
                    .append(' ');
        }
        for (Local replica : local) {
            out.append(replica.name).append(replica.leads() ? "*" : "")
                    .append(replica.orchestrator.isClosed() ? "(closed)" : "").append(' ');
        }
        return out.toString().strip();
    }

    private List<Request> manifestWrites(long sinceNanos) {
        // Replicas only: the test's own writes (the outages, the cluster's part) do not count; and writes that took
        // effect (a create tries server-side apply first, which the test server refuses, then creates plainly).
        return server.requests(r -> r.nanos() - sinceNanos >= 0 && r.isManifestWrite()
                && r.userAgent().startsWith("jsorc/") && r.status() / 100 == 2);
    }

    private static Map<String, Long> byAgent(List<Request> requests) {
        return requests.stream().collect(Collectors.groupingBy(Request::userAgent, TreeMap::new,
                Collectors.counting()));
    }

    /** When the local replica leads, closes it (it releases the lease) and starts a fresh local one. */
    private Local handOverIfLocalLeads(Local replica, Child... others) throws Exception {
        if (!replica.leads()) {
            return replica;
        }
        long handover = System.nanoTime();
        replica.orchestrator.close();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .until(() -> Arrays.stream(others).anyMatch(Child::leads));
        System.out.printf("clean handover after close: %d ms%n", (System.nanoTime() - handover) / 1_000_000);
        return inProcess("c" + replica.orchestrator.hashCode());
    }

    /**
     * Forces a Redis outage (the Deployment deleted, its redis-server killed) and waits until every replica's redis
     * service failed and runs again; prints when each recovered and what the replicas wrote.
     *
     * @param label    what the printed line starts with
     * @param leader   the user agent of the replica expected to re-apply
     * @param children the child replicas
     * @param locals   the local replicas
     * @return the replicas' manifest writes from the outage on (2 s after the last recovery)
     */
    private List<Request> redisOutage(String label, String leader, List<Child> children, List<Local> locals)
            throws Exception {
        Map<String, Long> before = new LinkedHashMap<>();
        children.forEach(c -> before.put(c.name, c.failures()));
        locals.forEach(l -> before.put(l.name, l.failures.get()));
        Map<String, Long> recovered = new TreeMap<>();
        long outage = System.nanoTime();
        cluster.outage();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(() -> {
            long now = (System.nanoTime() - outage) / 1_000_000;
            for (Child c : children) {
                long[] s = c.state; // one report: its failures and running state belong together
                if (s[3] > before.get(c.name) && s[2] == 1) {
                    recovered.putIfAbsent(c.name, now);
                }
            }
            for (Local l : locals) {
                if (l.failures.get() > before.get(l.name) && l.running()) {
                    recovered.putIfAbsent(l.name, now);
                }
            }
            return recovered.size() == children.size() + locals.size();
        });
        long deploymentMs = (cluster.deploymentSeenNanos() - outage) / 1_000_000;
        long podMs = (cluster.podReadyNanos() - outage) / 1_000_000;
        Thread.sleep(2000); // anything late would show now
        List<Request> writes = manifestWrites(outage);
        System.out.printf("%s: Deployment re-created after %d ms, redis-server ready after %d ms; redis RUNNING "
                        + "again per replica after (ms) %s; manifest writes %d by replica %s: %s%n", label,
                deploymentMs, podMs, recovered, writes.size(), byAgent(writes),
                writes.stream().map(r -> r.method() + " " + r.path()).toList());
        assertThat(byAgent(writes)).as("only the leader re-applies").containsOnlyKeys(leader);
        // What one replica alone sends: the one missing resource, created once; nothing else changed.
        assertThat(writes).hasSize(1);
        assertThat(writes.get(0).method()).isEqualTo("POST");
        assertThat(writes.get(0).path()).startsWith("/apis/apps/v1/namespaces/jsorc/deployments");
        return writes;
    }

    @Test
    void oneLeaderFailoverOnKillNoWritesFromAPausedLeaderAndOneReplicasWritesPerRedisOutage() throws Exception {
        server = new KubeTestServer();
        redis = RedisServer.startNew();
        cluster = new RedisDeploymentPlayer(server, redis); // no Deployment yet: no redis-server either
        // a starts first and leads: its redis service fails until it applied REDIS_MANIFEST and the pod is ready.
        long started = System.nanoTime();
        Child a = child("a");
        await().atMost(Duration.ofSeconds(120)).until(() -> a.leads() && a.running());
        System.out.printf("first start: a leads and its redis runs after %d ms (manifest writes by replica %s)%n",
                (System.nanoTime() - started) / 1_000_000, byAgent(manifestWrites(started)));
        assertThat(byAgent(manifestWrites(started))).containsOnlyKeys("jsorc/a");
        Child second = child("b");
        Local c = inProcess("c");
        await().atMost(Duration.ofSeconds(120)).until(() -> second.seq() > 0 && second.running() && c.running());

        // 1. Exactly one leader, sampled every 100 ms.
        int samples = 0;
        List<String> violations = new ArrayList<>();
        long end = System.nanoTime() + STEADY.toNanos();
        while (System.nanoTime() - end < 0) {
            int leaders = leaders();
            samples++;
            if (leaders != 1) {
                violations.add(leaders + " leaders: " + who());
            }
            Thread.sleep(100);
        }
        System.out.printf("steady state: %d samples over %d s, leader %s, violations %s%n", samples,
                STEADY.toSeconds(), who(), violations);
        assertThat(violations).isEmpty();
        assertThat(a.leads()).isTrue();

        // 2. A Redis outage: every replica's redis service fails; only the leader re-creates the Deployment; once
        // the pod is back, all three run again.
        String leaderAgent = "jsorc/" + (a.leads() ? "a" : second.leads() ? "b" : c.name());
        redisOutage("Redis outage", leaderAgent, List.of(a, second), List.of(c));

        // 3. SIGKILL the leader: another leads within lease + retry, and re-applies nothing. The leader must be a
        // child JVM (the local replica cannot be killed): when the local one leads, it hands over cleanly first.
        Local other = handOverIfLocalLeads(c, a, second);
        await().atMost(Duration.ofSeconds(30)).until(() -> leaders() == 1 && (a.leads() || second.leads()));
        Child victim = a.leads() ? a : second;
        Child survivor = victim == a ? second : a;
        long killed = System.nanoTime();
        victim.signal("KILL");
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(10))
                .until(() -> !victim.process.isAlive() && leaders() == 1);
        long failoverMs = (System.nanoTime() - killed) / 1_000_000;
        System.out.printf("failover after SIGKILL of %s: %d ms (lease 2000 + retry 500 = 2500; new leader %s)%n",
                victim.name, failoverMs, who());
        assertThat(failoverMs).as("failover within lease + retry (+ generous slack for a shared machine)")
                .isLessThan(6000);
        Thread.sleep(2000);
        assertThat(manifestWrites(killed)).as("the new leader re-applies nothing already applied").isEmpty();

        // The pause test needs a child leader: when the local replica leads, it hands over cleanly (release).
        Local third = handOverIfLocalLeads(other, survivor);
        Child b = survivor;
        await().atMost(Duration.ofSeconds(30)).until(() -> b.leads() && b.running() && third.running());

        // 4. SIGSTOP the leader past its lease; while it sleeps, Redis goes down again and a command waits in its
        // stdin. It must write nothing after waking until it holds the lease again; the new leader re-applies.
        long bFailures = b.failures();
        long thirdFailures = third.failures().get();
        b.signal("STOP");
        b.stopped = true;
        long paused = System.nanoTime();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(10)).until(third::leads);
        System.out.printf("failover after SIGSTOP: %d ms%n", (System.nanoTime() - paused) / 1_000_000);
        cluster.outage();
        b.send("loadYaml");
        Thread.sleep(Math.max(0, 3000 - (System.nanoTime() - paused) / 1_000_000)); // paused > 2 s lease
        long woke = System.nanoTime();
        b.ignoreUntilSeq = b.seq() + 2;
        b.stopped = false;
        b.signal("CONT");
        await().atMost(Duration.ofSeconds(10)).until(() -> b.lines.stream().anyMatch(l -> l.startsWith("LOADYAML")));
        await().atMost(Duration.ofSeconds(30)).until(() -> server.get(RedisDeploymentPlayer.DEPLOYMENT).isPresent()
                && b.failures() > bFailures && b.running() && third.failures().get() > thirdFailures
                && third.running());
        long recoveredMs = (System.nanoTime() - woke) / 1_000_000;
        Thread.sleep(2000);
        List<Request> fromB = server.requests(r -> r.nanos() - woke >= 0 && r.userAgent().equals("jsorc/" + b.name)
                && r.isWrite() && (r.isManifestWrite() || r.status() / 100 == 2));
        String loadYaml = b.lines.stream().filter(l -> l.startsWith("LOADYAML")).findFirst().orElseThrow();
        System.out.printf("after SIGCONT: writes from the paused replica %s; %s; leaders %s; both redis services "
                + "RUNNING again %d ms after SIGCONT%n", fromB, loadYaml, who(), recoveredMs);
        assertThat(fromB).isEmpty();
        assertThat(loadYaml).startsWith("LOADYAML refused");
        assertThat(leaders()).isEqualTo(1);
        assertThat(third.leads()).isTrue();
        List<Request> recreated = manifestWrites(paused);
        System.out.printf("manifest writes while and after the pause: %s%n", byAgent(recreated));
        assertThat(byAgent(recreated)).containsOnlyKeys("jsorc/" + third.name());
        assertThat(recreated).hasSize(1); // the Deployment, by the new leader alone
    }
}
