package io.jsorc.kube;

import io.jsorc.Orchestrator;
import io.jsorc.cluster.Leadership;
import io.jsorc.kube.RecordingDispatcher.Request;
import io.jsorc.kube.replicas.ReplicaConfig;
import io.jsorc.kube.replicas.ReplicaMain;
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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three replicas against one test API server: two in child JVMs (so they can be killed and paused for real), one in
 * this JVM. One Lease, 2 s lease, 1 s renew deadline, 0.5 s retry period. Writes are counted at the API server by the
 * replicas' user agents ({@code jsorc/<name>}).
 */
class ReplicasTest {

    private static final Duration STEADY = Duration.ofSeconds(30);
    private static final String NS_CONFIGMAP = "/api/v1/namespaces/jsorc/configmaps/replicated-config";

    private final List<Child> children = new ArrayList<>();
    private final List<Orchestrator> local = new CopyOnWriteArrayList<>();
    private KubeTestServer server;

    @AfterEach
    void stopAll() {
        for (Child child : children) {
            // What each child said, for a failure's diagnosis (bounded: the last 40 lines other than STATE).
            List<String> lines = child.lines;
            System.out.println("--- replica " + child.name + " (last lines) ---");
            lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(System.out::println);
        }
        for (Child child : children) {
            child.destroy();
        }
        local.forEach(Orchestrator::close);
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
        volatile long seq;
        volatile boolean leader;
        volatile boolean running;
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
                        leader = Boolean.parseBoolean(parts[2]);
                        running = Boolean.parseBoolean(parts[3]);
                        seq = Long.parseLong(parts[1]);
                    } else if (lines.size() < 5000) {
                        lines.add(line);
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }

        /** {@return whether it leads by its own latest report (a dead, paused or just-woken one does not count)} */
        boolean leads() {
            return process.isAlive() && !stopped && seq > ignoreUntilSeq && leader;
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

    private Child child(String name) throws IOException {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process process = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-Djsorc.index=false",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info", "-cp", System.getProperty("java.class.path"),
                ReplicaMain.class.getName(), server.basePath(), name).redirectErrorStream(true).start();
        Child child = new Child(name, process);
        children.add(child);
        return child;
    }

    private Orchestrator inProcess(String name) {
        Orchestrator orchestrator = ReplicaConfig.builder(server.basePath(), name).build().start();
        local.add(orchestrator);
        return orchestrator;
    }

    private int leaders() {
        int count = 0;
        for (Child child : children) {
            count += child.leads() ? 1 : 0;
        }
        for (Orchestrator orchestrator : local) {
            count += !orchestrator.isClosed() && Leadership.of(orchestrator).isLeader() ? 1 : 0;
        }
        return count;
    }

    private String who() {
        StringBuilder out = new StringBuilder();
        for (Child child : children) {
            out.append(child.name).append(child.leads() ? "*" : "").append(child.process.isAlive() ? "" : "(dead)")
                    .append(' ');
        }
        for (Orchestrator orchestrator : local) {
            out.append("local").append(Leadership.of(orchestrator).isLeader() ? "*" : "").append(' ');
        }
        return out.toString().strip();
    }

    private List<Request> manifestWrites(long sinceNanos) {
        // Replicas only: the test's own deletes (the forced outages) do not count.
        return server.requests(r -> r.nanos() - sinceNanos >= 0 && r.isManifestWrite()
                && r.userAgent().startsWith("jsorc/"));
    }

    private static Map<String, Long> byAgent(List<Request> requests) {
        return requests.stream().collect(Collectors.groupingBy(Request::userAgent, TreeMap::new,
                Collectors.counting()));
    }

    /** When the local replica leads, closes it (it releases the lease) and starts a fresh local one. */
    private Orchestrator handOverIfLocalLeads(Orchestrator local, Child... others) throws Exception {
        if (!Leadership.of(local).isLeader()) {
            return local;
        }
        long handover = System.nanoTime();
        local.close();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .until(() -> java.util.Arrays.stream(others).anyMatch(Child::leads));
        System.out.printf("clean handover after close: %d ms%n", (System.nanoTime() - handover) / 1_000_000);
        return inProcess("c" + local.hashCode());
    }

    @Test
    void oneLeaderFailoverOnKillNoWritesFromAPausedLeaderAndOneReplicasWritesPerOutage() throws Exception {
        server = new KubeTestServer();
        // a starts first and leads; b and the local replica follow.
        Child a = child("a");
        await().atMost(Duration.ofSeconds(120)).until(() -> a.leads() && a.running);
        Child second = child("b");
        Orchestrator c = inProcess("c");
        await().atMost(Duration.ofSeconds(120)).until(() -> second.seq > 0 && second.running
                && c.svc("replicated").isRunning());

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

        // 2. A forced outage: the dependency every replica needs disappears. Only the leader re-creates it.
        String leaderAgent = "jsorc/" + (a.leads() ? "a" : second.leads() ? "b" : "c");
        long outage = System.nanoTime();
        server.delete(NS_CONFIGMAP);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> server.get(NS_CONFIGMAP).isPresent());
        await().atMost(Duration.ofSeconds(30)).until(() -> a.running && second.running
                && c.svc("replicated").isRunning());
        Thread.sleep(2000); // anything late would show now
        List<Request> outageWrites = manifestWrites(outage);
        System.out.printf("forced outage: manifest writes at the API server %s (by replica %s)%n", outageWrites.size(),
                byAgent(outageWrites));
        assertThat(byAgent(outageWrites)).containsOnlyKeys(leaderAgent);
        assertThat(outageWrites).hasSize(1); // one ConfigMap created: what one replica alone would send

        // 3. SIGKILL the leader: another leads within lease + retry, and re-applies nothing. The leader must be a
        // child JVM (the local replica cannot be killed): when the local one leads, it hands over cleanly first.
        Orchestrator local = handOverIfLocalLeads(c, a, second);
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
        Orchestrator third = handOverIfLocalLeads(local, survivor);
        Child b = survivor;
        await().atMost(Duration.ofSeconds(30)).until(() -> b.leads() && third.svc("replicated").isRunning());

        // 4. SIGSTOP the leader past its lease; while it sleeps, the dependency disappears again and a command
        // waits in its stdin. It must write nothing after waking until it holds the lease again.
        b.signal("STOP");
        b.stopped = true;
        long paused = System.nanoTime();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(10))
                .until(() -> Leadership.of(third).isLeader());
        System.out.printf("failover after SIGSTOP: %d ms%n", (System.nanoTime() - paused) / 1_000_000);
        server.delete(NS_CONFIGMAP);
        b.send("loadYaml");
        Thread.sleep(Math.max(0, 3000 - (System.nanoTime() - paused) / 1_000_000)); // paused > 2 s lease
        long woke = System.nanoTime();
        b.ignoreUntilSeq = b.seq + 2;
        b.stopped = false;
        b.signal("CONT");
        await().atMost(Duration.ofSeconds(10)).until(() -> b.lines.stream().anyMatch(l -> l.startsWith("LOADYAML")));
        await().atMost(Duration.ofSeconds(30)).until(() -> server.get(NS_CONFIGMAP).isPresent()
                && b.running && third.svc("replicated").isRunning());
        Thread.sleep(2000);
        List<Request> fromB = server.requests(r -> r.nanos() - woke >= 0 && r.userAgent().equals("jsorc/" + b.name)
                && r.isWrite() && (r.isManifestWrite() || r.status() / 100 == 2));
        String loadYaml = b.lines.stream().filter(l -> l.startsWith("LOADYAML")).findFirst().orElseThrow();
        System.out.printf("after SIGCONT: writes from the paused replica %s; %s; leaders %s%n", fromB, loadYaml,
                who());
        assertThat(fromB).isEmpty();
        assertThat(loadYaml).startsWith("LOADYAML refused");
        assertThat(leaders()).isEqualTo(1);
        assertThat(Leadership.of(third).isLeader()).isTrue();
        List<Request> recreated = manifestWrites(paused);
        System.out.printf("manifest writes while and after the pause: %s%n", byAgent(recreated));
        assertThat(byAgent(recreated)).doesNotContainKey("jsorc/" + b.name);
    }
}
