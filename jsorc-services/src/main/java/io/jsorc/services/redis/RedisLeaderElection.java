package io.jsorc.services.redis;

import io.jsorc.base.DaemonThreads;
import io.jsorc.cluster.ElectionContext;
import io.jsorc.cluster.ElectionSettings;
import io.jsorc.cluster.LeaderElection;
import io.jsorc.cluster.LeaderLease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Leader election on a Redis lease, for replicas that share the Redis config store but no Kubernetes cluster (mode
 * {@code redis}; {@code auto} picks it when the config store is the {@link RedisHook} and {@code KUBE_CONFIG} is not
 * enabled). Found with {@link java.util.ServiceLoader}.
 *
 * <p>The lease is the key {@code jsorc:leader:<lease name>} holding the holder's identity: acquired with
 * {@code SET NX PX <lease duration>}, renewed by a Lua script that extends it only while it still names this replica,
 * released by one that deletes it only then. Each acquisition increments {@code jsorc:leader:<lease name>:fence}, the
 * fencing counter: a term's token, which {@link LeaderLease#confirm()} checks against Redis before a write once the
 * last check is older than the retry period. As with the Kubernetes lease, the holder stops acting when it could not
 * renew within the renew deadline, which is shorter than the key's expiry. Redis must be reachable for anyone to
 * lead: this mode cannot regenerate Redis itself (with a cluster, use {@code kube}).
 */
public final class RedisLeaderElection implements LeaderElection {

    private static final Logger log = LoggerFactory.getLogger(RedisLeaderElection.class);

    /**
     * Acquire or renew: returns the term's fencing token, or 0 when another replica holds the lease. A fencing counter
     * Redis does not hold (never made, or lost in a restart without persistence or a flush) starts from the caller's
     * clock in milliseconds (ARGV[3]), not from 1: a token given after the loss still orders above every token given
     * before it (while the replicas' clocks roughly agree and terms are fewer than milliseconds), so whatever checks
     * tokens keeps refusing the old leader's writes.
     */
    static final String ACQUIRE = """
            local holder = redis.call('GET', KEYS[1])
            if holder == false then
              redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])
              if redis.call('EXISTS', KEYS[2]) == 0 then
                redis.call('SET', KEYS[2], ARGV[3])
              end
              return redis.call('INCR', KEYS[2])
            end
            if holder == ARGV[1] then
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
              local token = redis.call('GET', KEYS[2])
              if token == false then
                -- The counter is gone (evicted, deleted) while the lease stayed: a new term, from the clock, else
                -- the holder would renew a lease it may no longer act on, and nobody could ever lead.
                redis.call('SET', KEYS[2], ARGV[3])
                return redis.call('INCR', KEYS[2])
              end
              return tonumber(token)
            end
            return 0
            """;
    /** Check: returns the fencing token while the lease names this replica, else 0. */
    static final String CHECK = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return tonumber(redis.call('GET', KEYS[2]) or '0')
            end
            return 0
            """;
    /** Release: deletes the lease only while it names this replica. */
    static final String RELEASE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """;

    /** Found by ServiceLoader. */
    public RedisLeaderElection() {
    }

    @Override
    public String mode() {
        return "redis";
    }

    @Override
    public int priority() {
        return 20;
    }

    @Override
    public boolean available(ElectionContext context) {
        return context.components().sharedIfPresent(RedisConfigState.class, RedisConfigState.class)
                .map(state -> state.bootstrap != null).orElse(false);
    }

    @Override
    public LeaderLease campaign(ElectionContext context) {
        RedisConfigState state = context.components().sharedIfPresent(RedisConfigState.class, RedisConfigState.class)
                .filter(s -> s.bootstrap != null)
                .orElseThrow(() -> new IllegalStateException("Leader election mode 'redis' needs the Redis config "
                        + "store (RedisHook) with REDIS_CONFIG enabled; the config store here is another"));
        ElectionSettings settings = context.settings();
        // A connection of its own: renewals must not queue behind config reads and writes on a slow server.
        RedisConfigConnection own = state.newConnection();
        RedisLease lease = new RedisLease(() -> state.isClosed() ? null : own, own,
                "jsorc:leader:" + settings.leaseName(), settings, context);
        lease.start();
        return lease;
    }

    /** One replica's campaign for the Redis lease. */
    static final class RedisLease implements LeaderLease {
        private final java.util.function.Supplier<RedisConfigConnection> redis;
        /** The lease's own, closed with it (after the release). */
        private final RedisConfigConnection connection;
        private final String key;
        private final String fence;
        private final ElectionSettings settings;
        private final ElectionContext context;
        private final Object lock = new Object();
        private long token;
        private long renewedAtNanos;
        private long verifiedAtNanos;
        private boolean leading;
        private volatile boolean closed;
        private volatile Thread thread;

        RedisLease(java.util.function.Supplier<RedisConfigConnection> redis, RedisConfigConnection connection,
                   String key, ElectionSettings settings, ElectionContext context) {
            this.redis = redis;
            this.connection = connection;
            this.key = key;
            this.fence = key + ":fence";
            this.settings = settings;
            this.context = context;
        }

        void start() {
            attempt();
            thread = DaemonThreads.start("jsorc-leader", this::run);
        }

        private void run() {
            try {
                while (!closed) {
                    long wait = settings.retryPeriod().toNanos();
                    if (!isLeader()) {
                        wait += (long) (ThreadLocalRandom.current().nextDouble(0.2) * wait);
                    }
                    TimeUnit.NANOSECONDS.sleep(wait);
                    if (!closed) {
                        attempt();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** One acquire-or-renew; tells the context when leadership changed. */
        void attempt() {
            boolean before;
            boolean after;
            synchronized (lock) {
                before = leading;
                long start = System.nanoTime();
                long got = eval(ACQUIRE, String.valueOf(settings.leaseDuration().toMillis()),
                        String.valueOf(System.currentTimeMillis()));
                if (got > 0) {
                    if (token != got) {
                        log.info("Acquired Redis lease {} as {} (fencing token {})", key, settings.identity(), got);
                    }
                    token = got;
                    renewedAtNanos = start;
                    verifiedAtNanos = start;
                    leading = true;
                } else if (got == 0) {
                    leading = false; // another replica holds it
                }
                // got < 0: Redis did not answer; leading lapses at the renew deadline (isLeader)
                after = isLeaderLocked();
                leading = after;
            }
            if (before != after) {
                context.leadershipChanged(after);
            }
        }

        /** {@return the script's reply, or -1 when Redis did not answer} */
        private long eval(String script, String... args) {
            RedisConfigConnection client = redis.get();
            if (client == null) {
                return -1;
            }
            try {
                List<String> argv = new java.util.ArrayList<>();
                argv.add(settings.identity());
                argv.addAll(List.of(args));
                Object reply = client.eval(script, List.of(key, fence), argv);
                return reply instanceof Long value ? value : 0;
            } catch (RuntimeException e) {
                log.debug("Redis lease {}: {}", key, e.toString());
                return -1;
            }
        }

        private boolean isLeaderLocked() {
            return !closed && leading && System.nanoTime() - renewedAtNanos < settings.renewDeadline().toNanos();
        }

        @Override
        public boolean isLeader() {
            synchronized (lock) {
                return isLeaderLocked();
            }
        }

        @Override
        public boolean confirm() {
            synchronized (lock) {
                if (!isLeaderLocked()) {
                    return false;
                }
                long start = System.nanoTime();
                if (start - verifiedAtNanos < settings.retryPeriod().toNanos()) {
                    return true;
                }
                long current = eval(CHECK);
                if (current != token) {
                    if (current >= 0) {
                        leading = false;
                        log.warn("Redis lease {} is no longer held by {} with token {}: not writing", key,
                                settings.identity(), token);
                    }
                    return false;
                }
                verifiedAtNanos = start;
                return isLeaderLocked();
            }
        }

        @Override
        public long fencingToken() {
            synchronized (lock) {
                return isLeaderLocked() ? token : 0;
            }
        }

        @Override
        public String identity() {
            return settings.identity();
        }

        @Override
        public Optional<String> observedHolder() {
            RedisConfigConnection client = redis.get();
            try {
                return client == null ? Optional.empty() : Optional.ofNullable(client.get(key));
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        }

        @Override
        public void close() {
            closed = true;
            DaemonThreads.interruptAndJoin(thread, Duration.ofSeconds(5));
            synchronized (lock) {
                if (leading) {
                    eval(RELEASE);
                    leading = false;
                    log.info("Released Redis lease {} held by {}", key, settings.identity());
                }
            }
            connection.close();
        }
    }
}
