package io.jsorc.bench.app;

import io.jsorc.Orchestrator;

import java.util.Locale;

/**
 * The "real app" of the startup benchmark, as a newcomer writes it: the default builder (the whole classpath, the
 * compile-time index where present), {@code jsorc-services} on the classpath (so the config store is Redis), two
 * services of its own, and a first lookup of each. {@code RealAppStartupBenchmark} measures {@link #start} and
 * {@link #jsorc}; {@link #main} times the phases in a fresh JVM.
 *
 * <p>Usage: {@code java -cp ... io.jsorc.bench.app.RealApp <redis port> [redis host]}.
 */
public final class RealApp {

    private RealApp() {
    }

    /**
     * Builds and starts the orchestrator, greets and counts a visit.
     *
     * @param host Redis host
     * @param port Redis port
     * @return the running orchestrator (the caller closes it)
     */
    public static Orchestrator jsorc(String host, int port) {
        Orchestrator orchestrator = start(host, port);
        firstLookups(orchestrator);
        return orchestrator;
    }

    /**
     * Builds and starts the orchestrator; nothing is looked up.
     *
     * @param host Redis host
     * @param port Redis port
     * @return the running orchestrator (the caller closes it)
     */
    public static Orchestrator start(String host, int port) {
        return Orchestrator.builder().config("REDIS_CONFIG", redisConfig(host, port)).build().start();
    }

    private static String redisConfig(String host, int port) {
        return "{\"enabled\": true, \"automated\": true, \"host\": \"" + host + "\", \"port\": " + port
                + ", \"db\": 0}";
    }

    private static void firstLookups(Orchestrator orchestrator) {
        String greeting = orchestrator.svc("greeter", GreeterService.class).poke();
        long visits = orchestrator.svc("visits", VisitService.class).hit();
        if (greeting == null || visits < 1) {
            throw new IllegalStateException("the app did not run: " + greeting + ", " + visits);
        }
    }

    /**
     * Times build, start and the first lookups in this (fresh) JVM and prints them.
     *
     * @param args the Redis port, then optionally its host (default 127.0.0.1)
     */
    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        String host = args.length > 1 ? args[1] : "127.0.0.1";
        long[] cpu0 = schedstat();
        long t0 = System.nanoTime();
        Orchestrator orchestrator = Orchestrator.builder().config("REDIS_CONFIG", redisConfig(host, port)).build();
        long t1 = System.nanoTime();
        orchestrator.start();
        long t2 = System.nanoTime();
        firstLookups(orchestrator);
        long t3 = System.nanoTime();
        long[] cpu1 = schedstat();
        orchestrator.close();
        long uptime = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
        System.out.printf(Locale.ROOT, "real app: build %.1f ms, start %.1f ms (build + start %.1f ms), first "
                        + "lookups %.1f ms, total %.1f ms (JVM uptime at exit %d ms)%n", (t1 - t0) / 1e6,
                (t2 - t1) / 1e6, (t2 - t0) / 1e6, (t3 - t2) / 1e6, (t3 - t0) / 1e6, uptime);
        if (cpu0 != null && cpu1 != null) {
            System.out.printf(Locale.ROOT, "  main thread: on CPU %.1f ms, waiting for a CPU %.1f ms; classes loaded %d%n",
                    (cpu1[0] - cpu0[0]) / 1e6, (cpu1[1] - cpu0[1]) / 1e6,
                    java.lang.management.ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount());
        }
    }

    /** Linux: this thread's time on a CPU and waiting for one (ns), from /proc/thread-self/schedstat; else null. */
    private static long[] schedstat() {
        try {
            String[] fields = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/thread-self/schedstat"))
                    .strip().split(" ");
            return new long[]{Long.parseLong(fields[0]), Long.parseLong(fields[1])};
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }
}
