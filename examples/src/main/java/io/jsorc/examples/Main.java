package io.jsorc.examples;

import io.jsorc.JsOrc;
import io.jsorc.Orchestrator;
import io.jsorc.ServiceInfo;

import java.util.List;
import java.util.Locale;

/**
 * The main job: boots JsOrc on the in-memory hook, shows the regeneration loop bringing up a flaky automated
 * service, changes a service's config at run time, and shuts down cleanly. Needs no server.
 */
public final class Main {

    private Main() {
    }

    /**
     * Runs the main job.
     *
     * @param args ignored
     * @throws InterruptedException when interrupted while waiting
     */
    public static void main(String[] args) throws InterruptedException {
        long t0 = System.nanoTime();
        Orchestrator orchestrator = Orchestrator.builder()
                .scanPackages("io.jsorc.examples")
                // The embedded in-memory default: no Redis (see RedisExample for the Redis-backed setup).
                .config("REDIS_CONFIG", "{\"enabled\": false}")
                .config("JSORC_CONFIG", "{\"backoff_interval\": 5, "
                        + "\"pre_loaded_services\": [\"clock\", \"flaky\", \"greeter\"]}")
                .listener((service, from, to, error) -> System.out.printf(Locale.ROOT, "  [%6d ms] %-8s %s -> %s%s%n",
                        elapsed(t0), service, from, to, error == null ? "" : " (" + error.getMessage() + ")"))
                .build();
        JsOrc.install(orchestrator);
        boolean clean;
        boolean flakyCameUp = false;
        try {
            System.out.println("Starting JsOrc (in-memory hook, no server needed)");
            orchestrator.start();
            printStatus("after start", JsOrc.status(), t0);

            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!JsOrc.svc("flaky").isRunning() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            flakyCameUp = JsOrc.svc("flaky").isRunning();
            printStatus("after regeneration", JsOrc.status(), t0);
            System.out.println("flaky says: " + JsOrc.svc("flaky").poke());
            System.out.println("clock ticked " + JsOrc.svc("clock", ClockService.class).ticks() + " times");

            System.out.println("greeter says: " + JsOrc.svc("greeter").poke());
            JsOrc.configSet("GREETER_CONFIG", "{\"enabled\": true, \"greeting\": \"Bonjour\", \"name\": \"JsOrc\"}");
            JsOrc.serviceRefresh("greeter");
            System.out.println("greeter says (after configSet + serviceRefresh): " + JsOrc.svc("greeter").poke());
        } finally {
            JsOrc.shutdown();
            clean = Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.isAlive() && t.getName().startsWith("jsorc-"));
        }
        System.out.printf(Locale.ROOT, "Shut down in %d ms total; JsOrc threads left: %s%n", elapsed(t0),
                clean ? "none" : "SOME");
        if (!clean || !flakyCameUp) {
            System.exit(1);
        }
    }

    private static void printStatus(String title, List<ServiceInfo> services, long t0) {
        System.out.printf(Locale.ROOT, "%nStatus %s (%d ms)%n", title, elapsed(t0));
        System.out.printf(Locale.ROOT, "  %-8s %-11s %-7s %-9s %s%n", "SERVICE", "STATE", "ENABLED", "AUTOMATED",
                "ERROR");
        for (ServiceInfo info : services) {
            System.out.printf(Locale.ROOT, "  %-8s %-11s %-7s %-9s %s%n", info.name(), info.state(), info.enabled(),
                    info.automated(), info.error() == null ? "" : info.error());
        }
        System.out.println();
    }

    private static long elapsed(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
