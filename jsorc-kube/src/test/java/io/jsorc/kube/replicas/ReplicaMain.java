package io.jsorc.kube.replicas;

import io.jsorc.Orchestrator;
import io.jsorc.ServiceState;
import io.jsorc.cluster.Leadership;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One replica in a child JVM: {@code ReplicaMain <api url> <name> <redis port>}. It prints {@code STATE <seq>
 * <leader> <redis running> <redis failures> <identity>} every 50 ms (failures: how often the {@code redis} service
 * entered FAILED, counted by a listener, so a short outage between two reports is not missed), and reads commands
 * from stdin: {@code loadYaml} (prints whether it was refused), {@code exit}.
 */
public final class ReplicaMain {

    private ReplicaMain() {
    }

    /**
     * Runs the replica until told to exit or killed.
     *
     * @param args the API server URL, the replica's name and the redis-server port
     * @throws Exception when it cannot start
     */
    public static void main(String[] args) throws Exception {
        AtomicLong failures = new AtomicLong();
        Orchestrator orchestrator = ReplicaConfig.builder(args[0], args[1], Integer.parseInt(args[2]))
                .listener((service, from, to, error) -> {
                    if (service.equals("redis") && to == ServiceState.FAILED) {
                        failures.incrementAndGet();
                    }
                }).build().start();
        Leadership leadership = Leadership.of(orchestrator);
        Thread reporter = new Thread(() -> {
            long seq = 0;
            while (!Thread.currentThread().isInterrupted()) {
                boolean running;
                try {
                    running = orchestrator.svc("redis").isRunning();
                } catch (RuntimeException e) {
                    running = false;
                }
                System.out.println("STATE " + (++seq) + " " + leadership.isLeader() + " " + running + " "
                        + failures.get() + " " + leadership.identity().orElse("-"));
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "replica-reporter");
        reporter.setDaemon(true);
        reporter.start();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.equals("loadYaml")) {
                try {
                    orchestrator.loadYaml("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-" + args[1]
                            + "\n", "jsorc");
                    System.out.println("LOADYAML applied");
                } catch (IllegalStateException e) {
                    System.out.println("LOADYAML refused: " + e.getMessage());
                }
            } else if (line.equals("exit")) {
                break;
            }
        }
        reporter.interrupt();
        orchestrator.close();
    }
}
