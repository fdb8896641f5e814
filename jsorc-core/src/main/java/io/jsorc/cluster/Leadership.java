package io.jsorc.cluster;

import io.jsorc.ComponentContext;
import io.jsorc.cluster.ElectionSettings.Mode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Whether this replica may write to the cluster: one per orchestrator, published as shared state ({@link #of}).
 * At start it reads {@code JSORC_CONFIG.leader_election} ({@link ElectionSettings}), picks a {@link LeaderElection}
 * backend and campaigns; with mode {@code none} (or {@code auto} and no backend available) every replica leads, as
 * a single JVM always did. Manifest applies and prunes, {@code loadYaml} and database regeneration ask
 * {@link #confirm()} right before writing; followers only wait for what the leader applies.
 */
public final class Leadership implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Leadership.class);
    private static final Leadership EVERYONE = new Leadership(null, Map::of, List.of(), System::getenv);

    private final ComponentContext components;
    private final Supplier<Map<String, Object>> jsorcConfig;
    private final List<LeaderElection> backends;
    private final Function<String, String> environment;
    private final List<Consumer<Boolean>> listeners = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private volatile LeaderLease lease;
    private volatile ElectionSettings settings;
    private volatile String mode = Mode.NONE.configName();
    private boolean started;
    private boolean closed;
    /** Set once the first attempt is over: the outcome of that one is the starting point, not a change. */
    private volatile boolean campaigning;

    /**
     * Creates the leadership of one orchestrator; nothing campaigns before {@link #start()}.
     *
     * @param components  the orchestrator's components, handed to backends
     * @param jsorcConfig reads {@code JSORC_CONFIG}
     * @param backends    the election backends found on the classpath
     * @param environment environment lookup ({@code HOSTNAME}, {@code JSORC_APP})
     */
    public Leadership(ComponentContext components, Supplier<Map<String, Object>> jsorcConfig,
                      List<LeaderElection> backends, Function<String, String> environment) {
        this.components = components;
        this.jsorcConfig = Objects.requireNonNull(jsorcConfig, "jsorcConfig");
        this.backends = List.copyOf(backends);
        this.environment = Objects.requireNonNull(environment, "environment");
    }

    /**
     * Returns the leadership of an orchestrator.
     *
     * @param context the orchestrator's components
     * @return its leadership; one under which every replica leads when the orchestrator published none
     */
    public static Leadership of(ComponentContext context) {
        return context.sharedIfPresent(Leadership.class, Leadership.class).orElse(EVERYONE);
    }

    /** {@return a leadership under which this replica always leads (mode {@code none})} */
    public static Leadership everyone() {
        return EVERYONE;
    }

    /**
     * Reads the settings, picks the backend and starts campaigning (a lone replica leads before this returns).
     * Idempotent.
     *
     * @throws IllegalArgumentException when {@code JSORC_CONFIG.leader_election} is invalid
     * @throws IllegalStateException    when the mode names a backend that is not on the classpath or cannot run
     */
    public void start() {
        synchronized (lock) {
            if (started || closed) {
                return;
            }
            started = true;
            ElectionSettings parsed = ElectionSettings.parse(jsorcConfig.get().get(ElectionSettings.FIELD),
                    environment);
            settings = parsed;
            Context context = new Context(parsed);
            LeaderElection backend = choose(parsed, context);
            if (backend == null) {
                mode = Mode.NONE.configName();
                log.info("Leader election: none (every replica writes to the cluster)");
                return;
            }
            mode = backend.mode();
            lease = backend.campaign(context);
            campaigning = true;
            log.info("Leader election: {} lease {} as {} (lease {} ms, renew deadline {} ms, retry {} ms); leading: {}",
                    mode, parsed.leaseName(), parsed.identity(), parsed.leaseDuration().toMillis(),
                    parsed.renewDeadline().toMillis(), parsed.retryPeriod().toMillis(), lease.isLeader());
        }
    }

    private LeaderElection choose(ElectionSettings parsed, ElectionContext context) {
        Mode wanted = parsed.mode();
        if (wanted == Mode.NONE) {
            return null;
        }
        List<LeaderElection> ordered = new ArrayList<>(backends);
        ordered.sort(Comparator.comparingInt(LeaderElection::priority));
        if (wanted == Mode.AUTO) {
            for (LeaderElection backend : ordered) {
                if (backend.available(context)) {
                    return backend;
                }
            }
            return null;
        }
        for (LeaderElection backend : ordered) {
            if (backend.mode().equalsIgnoreCase(wanted.configName())) {
                return backend;
            }
        }
        throw new IllegalStateException("JSORC_CONFIG." + ElectionSettings.FIELD + " asks for mode '"
                + wanted.configName() + "', but no such LeaderElection is on the classpath (kube: add jsorc-kube, "
                + "redis: add jsorc-services); found: " + ordered.stream().map(LeaderElection::mode).toList());
    }

    /** {@return the mode in effect: {@code none}, {@code kube} or {@code redis}} */
    public String mode() {
        return mode;
    }

    /** {@return the settings read at start; empty before} */
    public Optional<ElectionSettings> settings() {
        return Optional.ofNullable(settings);
    }

    /** {@return whether this replica leads now by its own clock (always, in mode {@code none})} */
    public boolean isLeader() {
        LeaderLease current = lease;
        return current == null || current.isLeader();
    }

    /**
     * Asked right before a write to the cluster: whether this replica still holds the lease (see
     * {@link LeaderLease#confirm()}). Always {@code true} in mode {@code none}.
     *
     * @return whether the write may go ahead
     */
    public boolean confirm() {
        LeaderLease current = lease;
        return current == null || current.confirm();
    }

    /** {@return the current term's fencing token while leading, 0 otherwise (and in mode {@code none})} */
    public long fencingToken() {
        LeaderLease current = lease;
        return current == null ? 0 : current.fencingToken();
    }

    /** {@return this replica's holder identity; empty in mode {@code none}} */
    public Optional<String> identity() {
        LeaderLease current = lease;
        return current == null ? Optional.empty() : Optional.of(current.identity());
    }

    /** {@return a one-line account for logs and reports: the mode, and who leads as this replica last saw} */
    public String describe() {
        LeaderLease current = lease;
        if (current == null) {
            return "no election (every replica writes)";
        }
        return mode + " lease " + settings.leaseName() + ": " + (current.isLeader() ? "this replica ("
                + current.identity() + ") leads" : "follower " + current.identity() + ", leader "
                + current.observedHolder().orElse("unknown"));
    }

    /**
     * Adds a listener told when this replica starts or stops leading.
     *
     * @param listener told {@code true} on becoming leader, {@code false} on losing the lease; must be quick
     */
    public void addListener(Consumer<Boolean> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Stops campaigning and releases the lease when held. Idempotent. */
    @Override
    public void close() {
        LeaderLease current;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            current = lease;
        }
        if (current != null) {
            try {
                current.close();
            } catch (RuntimeException e) {
                log.warn("Releasing the leader lease failed", e);
            }
        }
    }

    /** What a backend sees. */
    private final class Context implements ElectionContext {
        private final ElectionSettings settings;

        Context(ElectionSettings settings) {
            this.settings = settings;
        }

        @Override
        public ComponentContext components() {
            return components;
        }

        @Override
        public ElectionSettings settings() {
            return settings;
        }

        @Override
        public void leadershipChanged(boolean leader) {
            if (!campaigning) {
                return; // the first attempt, inside start(): logged there, and nothing waits for it yet
            }
            log.info("Leader election ({}): this replica {}", settings.leaseName(), leader ? "leads now"
                    : "stopped leading");
            for (Consumer<Boolean> listener : listeners) {
                try {
                    listener.accept(leader);
                } catch (RuntimeException e) {
                    log.warn("A leadership listener threw", e);
                }
            }
        }
    }
}
