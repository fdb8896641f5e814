package io.jsorc.bench.app;

import io.jsorc.Orchestrator;

import java.util.Locale;

/**
 * The "real app" of the startup benchmark, as a newcomer writes it: the default builder (the whole classpath, the
 * compile-time index where present), nothing configured in code, {@code jsorc-services} on the classpath (so the
 * config store is Redis, found where the environment says), two services of its own, and a first lookup of each. {@code RealAppStartupBenchmark} measures {@link #start} and
 * {@link #jsorc}; {@link #main} times the phases in a fresh JVM.
 *
 * <p>Usage: {@code java -cp ... io.jsorc.bench.app.RealApp <redis port> [redis host] [--phases]}.
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
        redisAt(host, port);
        return Orchestrator.builder().start();
    }

    /**
     * Points the app at the server as its environment would: the {@code redis} service's default config reads
     * {@code ${REDIS_HOST:localhost}} and {@code ${REDIS_PORT:6379}}, resolved from the environment, then from system
     * properties. So the app is built exactly as a newcomer's with Redis at the default address, no config given to
     * the builder.
     *
     * @throws IllegalStateException when the environment sets either variable: it would win over the properties, and
     *     the app would write to that server instead
     */
    private static void redisAt(String host, int port) {
        for (String variable : new String[]{"REDIS_HOST", "REDIS_PORT"}) {
            if (System.getenv(variable) != null) {
                throw new IllegalStateException("Unset " + variable + " to run the real app: the environment wins over "
                        + "the server this run started");
            }
        }
        System.setProperty("REDIS_HOST", host);
        System.setProperty("REDIS_PORT", String.valueOf(port));
    }

    private static void firstLookups(Orchestrator orchestrator) {
        String greeting = orchestrator.svc("greeter", GreeterService.class).poke();
        long visits = orchestrator.svc("visits", VisitService.class).hit();
        if (greeting == null || visits < 1) {
            throw new IllegalStateException("the app did not run: " + greeting + ", " + visits);
        }
    }

    /**
     * Times build + start ({@code Orchestrator.builder().start()}) and the first lookups in this (fresh) JVM and
     * prints them. With {@code --phases} it builds and starts in two calls instead, timed apart, and marks the point
     * between them for a class-load log ({@link BuildDone}, and {@link StartDone} after the start); the start's classes are then preloaded only once
     * {@code start()} is called.
     *
     * @param args the Redis port, then optionally its host (default 127.0.0.1), then optionally {@code --phases}
     */
    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        String host = args.length > 1 && !args[1].startsWith("--") ? args[1] : "127.0.0.1";
        boolean phases = java.util.Arrays.asList(args).contains("--phases");
        long[] cpu0 = schedstat();
        long t0 = System.nanoTime();
        redisAt(host, port);
        Orchestrator orchestrator;
        String started;
        if (phases) {
            orchestrator = Orchestrator.builder().build();
            long built = System.nanoTime();
            BuildDone.mark();
            orchestrator.start();
            started = String.format(Locale.ROOT, "build %.1f ms, start %.1f ms, ", (built - t0) / 1e6,
                    (System.nanoTime() - built) / 1e6);
            StartDone.mark();
        } else {
            orchestrator = Orchestrator.builder().start();
            started = "";
        }
        long t2 = System.nanoTime();
        long[] cpuStarted = schedstat();
        firstLookups(orchestrator);
        long t3 = System.nanoTime();
        long[] cpu1 = schedstat();
        orchestrator.close();
        long uptime = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
        System.out.printf(Locale.ROOT, "real app: %sbuild + start %.1f ms, first lookups %.1f ms, total %.1f ms (JVM "
                + "uptime at exit %d ms)%n", started, (t2 - t0) / 1e6, (t3 - t2) / 1e6, (t3 - t0) / 1e6, uptime);
        if (cpu0 != null && cpuStarted != null && cpu1 != null) {
            System.out.printf(Locale.ROOT, "  main thread: on CPU %.1f ms, waiting for a CPU %.1f ms; classes loaded "
                    + "%d%n", (cpu1[0] - cpu0[0]) / 1e6, (cpu1[1] - cpu0[1]) / 1e6,
                    java.lang.management.ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount());
            System.out.printf(Locale.ROOT, "  main thread during build + start: on CPU %.1f ms, waiting for a CPU "
                    + "%.1f ms%n", (cpuStarted[0] - cpu0[0]) / 1e6, (cpuStarted[1] - cpu0[1]) / 1e6);
        }
    }

    /**
     * Loaded between build and start, nothing else: its line in a class-load log is where the build's classes end
     * and the start's begin ({@code scripts/real-app-startup.sh --preload-lists} splits the lists there).
     */
    private static final class BuildDone {
        static void mark() {
            // loading this class is the mark
        }
    }

    /** Loaded after start, before the first lookups: where the start's classes end (the lookups' are not its). */
    private static final class StartDone {
        static void mark() {
            // loading this class is the mark
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
