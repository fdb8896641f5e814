package io.jsorc.kube;

import io.jsorc.CommonService;
import io.jsorc.ComponentContext;
import io.jsorc.Service;
import io.jsorc.base.DaemonThreads;
import io.jsorc.cluster.ElectionContext;
import io.jsorc.cluster.ElectionSettings;
import io.jsorc.cluster.LeaderElection;
import io.jsorc.cluster.LeaderLease;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Leader election on a Kubernetes Lease ({@code jsorc-leader-<app>} in the kube service's namespace), found with
 * {@link java.util.ServiceLoader}: mode {@code kube}, and {@code auto}'s first choice whenever {@code KUBE_CONFIG}
 * is enabled. A daemon ({@code jsorc-leader}) runs {@link LeaseElector} every retry period (a follower's period is
 * jittered up to 20 %, as client-go does), through the kube service's current client; while that service is down
 * the holder cannot renew and stops leading at the renew deadline.
 */
public final class KubeLeaderElection implements LeaderElection {

    private static final Logger log = LoggerFactory.getLogger(KubeLeaderElection.class);

    /** Found by ServiceLoader. */
    public KubeLeaderElection() {
    }

    @Override
    public String mode() {
        return "kube";
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public boolean available(ElectionContext context) {
        ComponentContext components = context.components();
        return components.components(Service.class).containsKey("kube")
                && Boolean.parseBoolean(String.valueOf(components.config("KUBE_CONFIG").orElse(Map.of())
                .get("enabled")));
    }

    @Override
    public LeaderLease campaign(ElectionContext context) {
        ComponentContext components = context.components();
        if (!components.components(Service.class).containsKey("kube")) {
            throw new IllegalStateException("Leader election mode 'kube' needs the kube service, which is not "
                    + "registered here");
        }
        ElectionSettings settings = context.settings();
        LeaseElector elector = new LeaseElector(() -> api(components), () -> namespace(components),
                settings.leaseName(), settings.identity(), settings.leaseDuration(), settings.renewDeadline(),
                settings.retryPeriod(), System::nanoTime);
        Campaign campaign = new Campaign(elector, context);
        campaign.start();
        return campaign;
    }

    private static CoordinationV1Api api(ComponentContext components) {
        try {
            CommonService<?> kube = components.svc("kube");
            return kube instanceof KubeService running && running.isRunning() && running.app() != null
                    ? new CoordinationV1Api(running.app()) : null;
        } catch (RuntimeException e) {
            return null; // the kube service cannot be built now: no attempt this time
        }
    }

    private static String namespace(ComponentContext components) {
        return components.svc("kube", KubeService.class).namespace();
    }

    /** The running campaign: one elector and the daemon that repeats its attempts. */
    private static final class Campaign implements LeaderLease {
        private final LeaseElector elector;
        private final ElectionContext context;
        private final Duration retry;
        private volatile Thread thread;
        private volatile boolean closed;
        private boolean leading;

        Campaign(LeaseElector elector, ElectionContext context) {
            this.elector = elector;
            this.context = context;
            this.retry = context.settings().retryPeriod();
        }

        void start() {
            // One attempt before returning: a lone replica leads at once, before the first regeneration cycle.
            attempt();
            thread = DaemonThreads.start("jsorc-leader", this::run);
        }

        private void run() {
            try {
                while (!closed) {
                    long wait = retry.toNanos();
                    if (!leading) {
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

        private void attempt() {
            boolean now;
            try {
                now = elector.tryAcquireOrRenew();
            } catch (RuntimeException e) {
                log.warn("Leader election attempt failed", e);
                now = elector.isLeader();
            }
            if (now != leading) {
                leading = now;
                context.leadershipChanged(now);
            }
        }

        @Override
        public boolean isLeader() {
            return !closed && elector.isLeader();
        }

        @Override
        public boolean confirm() {
            return !closed && elector.confirm();
        }

        @Override
        public long fencingToken() {
            return elector.fencingToken();
        }

        @Override
        public String identity() {
            return elector.identity();
        }

        @Override
        public Optional<String> observedHolder() {
            return elector.observedHolder();
        }

        @Override
        public void close() {
            closed = true;
            DaemonThreads.interruptAndJoin(thread, Duration.ofSeconds(5));
            elector.release();
        }
    }
}
