package io.jsorc.services.redis;

import io.jsorc.Orchestrator;

/**
 * A second JVM for the replica tests: {@code get} prints the probe service's value; {@code watch} prints READY, then
 * waits (up to 20 s) until the probe service runs with another value and prints it.
 */
public final class ConfigProbeMain {

    private ConfigProbeMain() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String mode = args[1];
        try (Orchestrator o = Orchestrator.builder()
                .config("REDIS_CONFIG", "{\"enabled\": true, \"automated\": true, \"host\": \"127.0.0.1\", \"port\": "
                        + port + ", \"db\": 0, \"timeout_ms\": 500, \"connect_timeout_ms\": 500}")
                .config("JSORC_CONFIG", "{\"backoff_interval\": 0.5, \"pre_loaded_services\": [\"redis\", \"probe\"]}")
                .build().start()) {
            Object initial = o.svc("probe").app();
            if (mode.equals("get")) {
                System.out.println("probe=" + initial);
                return;
            }
            System.out.println("READY " + initial);
            System.out.flush();
            long t0 = System.nanoTime();
            long deadline = t0 + 20_000_000_000L;
            while (System.nanoTime() < deadline) {
                Object now = o.svc("probe").app();
                if (now != null && !now.equals(initial)) {
                    System.out.println("CHANGED " + now + " after " + (System.nanoTime() - t0) / 1_000_000 + " ms");
                    return;
                }
                Thread.sleep(5);
            }
            System.out.println("TIMEOUT");
            System.exit(2);
        }
    }
}
