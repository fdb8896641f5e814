package io.jsorc.admin;

import io.jsorc.CommonService;
import io.jsorc.ServiceState;
import io.jsorc.operate.OperatorContext;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The probes: {@code /healthz} (the orchestrator is started and its regeneration loop alive) and {@code /readyz}
 * (every readiness service is RUNNING and {@code healthy()}).
 *
 * <p>Readiness checks run in parallel, each bounded by the health timeout: a hung check counts as down and the answer
 * still comes in time. A check still running from an earlier probe is joined, not started again, so a hung service
 * holds at most one thread however often Kubernetes asks.
 *
 * <p>{@code /readyz} needs no token, and a caller waits on the admin server's own request thread for up to the health
 * timeout: at most {@value #MAX_WAITING} callers wait at once, so a flood of probes (a hung check, a caller looping)
 * cannot take every request thread from the operators. A caller beyond them gets the last answer while it is younger
 * than the timeout, else every service UNKNOWN ("busy"), at once.
 */
final class HealthChecks implements AutoCloseable {

    /** The outcome of one service's check. */
    record Check(String service, String state, boolean healthy, String error, long millis) {
        Map<String, Object> toMap() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("state", state);
            out.put("healthy", healthy);
            out.put("error", error);
            out.put("check_ms", millis);
            return out;
        }
    }

    private final OperatorContext operator;
    private final List<String> readiness;
    private final Duration timeout;
    private final ExecutorService checks;
    private final Map<String, CompletableFuture<Check>> inFlight = new ConcurrentHashMap<>();
    /** Of the admin server's 16 request threads (two of them Jetty's acceptor and selector). */
    static final int MAX_WAITING = 4;
    private final Semaphore waiting = new Semaphore(MAX_WAITING);

    /** The last full answer, and when it was given ({@link System#nanoTime()}). */
    private record Answer(long at, Map<String, Check> checks) { }

    private volatile Answer last;

    HealthChecks(OperatorContext operator, List<String> readiness, Duration timeout) {
        this.operator = operator;
        this.readiness = readiness;
        this.timeout = timeout;
        // Up to 16 checks at once (in-flight checks are joined), idle threads end after 30 s; the queue bound covers
        // a long list. The core size is the parallelism: a pool grows past its core only once its queue is full.
        ThreadPoolExecutor pool = new ThreadPoolExecutor(16, 16, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(1024),
                io.jsorc.base.DaemonThreads.factory("jsorc-admin-health"));
        pool.allowCoreThreadTimeOut(true);
        this.checks = pool;
    }

    boolean live() {
        return operator.regenerationAlive();
    }

    /** {@return the services {@code /readyz} checks: {@code readiness} and {@code pre_loaded_services}} */
    Set<String> readinessServices() {
        Set<String> names = new LinkedHashSet<>(readiness);
        if (operator.jsorcConfig().get("pre_loaded_services") instanceof List<?> preLoaded) {
            preLoaded.forEach(name -> names.add(String.valueOf(name)));
        }
        return names;
    }

    /**
     * Runs every readiness check, in parallel; returns within the timeout (plus scheduling). With {@value #MAX_WAITING}
     * callers waiting already, returns at once: the last answer while it is younger than the timeout, else "busy".
     */
    Map<String, Check> ready() {
        if (!waiting.tryAcquire()) {
            Answer recent = last;
            if (recent != null && System.nanoTime() - recent.at() < timeout.toNanos()) {
                return recent.checks();
            }
            Map<String, Check> busy = new LinkedHashMap<>();
            for (String name : readinessServices()) {
                busy.put(name, new Check(name, "UNKNOWN", false, "not checked: " + MAX_WAITING
                        + " readiness probes are waiting for their checks already; ask again", 0));
            }
            return busy;
        }
        try {
            Map<String, Check> results = checkAll();
            last = new Answer(System.nanoTime(), results);
            return results;
        } finally {
            waiting.release();
        }
    }

    private Map<String, Check> checkAll() {
        Set<String> names = readinessServices();
        Map<String, CompletableFuture<Check>> started = new LinkedHashMap<>();
        for (String name : names) {
            // A check still running from an earlier probe is joined; a finished one is replaced by a fresh one.
            started.put(name, inFlight.compute(name, (n, old) -> old == null || old.isDone() ? start(n) : old));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Check> results = new LinkedHashMap<>();
        started.forEach((name, future) -> {
            long left = Math.max(0, deadline - System.nanoTime());
            try {
                results.put(name, future.get(left, TimeUnit.NANOSECONDS));
            } catch (TimeoutException e) {
                results.put(name, new Check(name, "UNKNOWN", false, "the check did not answer within "
                        + timeout.toMillis() + " ms", timeout.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                results.put(name, new Check(name, "UNKNOWN", false, "interrupted", 0));
            } catch (java.util.concurrent.ExecutionException e) {
                results.put(name, new Check(name, "UNKNOWN", false, String.valueOf(e.getCause()), 0));
            }
        });
        return results;
    }

    private CompletableFuture<Check> start(String name) {
        CompletableFuture<Check> future = new CompletableFuture<>();
        try {
            checks.execute(() -> {
                try {
                    future.complete(check(name));
                } catch (Throwable e) {
                    future.completeExceptionally(e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            future.complete(new Check(name, "UNKNOWN", false, "too many checks in flight", 0));
        }
        return future;
    }

    private Check check(String name) {
        long t0 = System.nanoTime();
        if (!operator.serviceNames().contains(name)) {
            return new Check(name, "UNKNOWN", false, "no service '" + name + "' is registered", 0);
        }
        CommonService<?> service = operator.components().svc(name);
        ServiceState state = service.state();
        boolean healthy = state == ServiceState.RUNNING && service.healthy();
        Throwable error = service.error();
        return new Check(name, state.name(), healthy, error == null ? null
                : io.jsorc.base.Secrets.maskText(String.valueOf(error.getMessage())),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    @Override
    public void close() {
        checks.shutdownNow();
    }
}
