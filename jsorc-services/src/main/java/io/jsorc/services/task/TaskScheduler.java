package io.jsorc.services.task;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.UUID;

/**
 * The task service's {@code scheduler} daemon: every tick it promotes retries that are due, queues each due schedule
 * run (claimed and queued in one step, so a claimed run is never lost and a run that cannot be queued stays due),
 * and every 10 s expires finished records.
 */
final class TaskScheduler {

    private static final Logger log = LoggerFactory.getLogger(TaskScheduler.class);

    private TaskScheduler() {
    }

    /**
     * Runs until the thread is interrupted.
     *
     * @param broker the broker
     * @param zone   the zone cron schedules are read in
     * @param tick   how often to look
     */
    static void run(TaskBroker broker, ZoneId zone, Duration tick) {
        long lastExpiry = System.nanoTime();
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Instant now = Instant.now();
                broker.promoteDueRetries(now);
                for (TaskBroker.ScheduleState state : broker.schedules()) {
                    if (state.nextRun().isAfter(now)) {
                        continue;
                    }
                    Schedule schedule = state.schedule();
                    try {
                        Instant next = schedule.followingRun(state.nextRun(), now, zone);
                        broker.claimAndEnqueue(schedule.name(), state.nextRun(), next, UUID.randomUUID().toString(),
                                schedule.task(), schedule.args());
                    } catch (RuntimeException e) {
                        // This schedule's run is tried again at the next tick; the others run now.
                        log.debug("Schedule '{}' could not run this tick: {}", schedule.name(), e.toString());
                    }
                }
                if (System.nanoTime() - lastExpiry > 10_000_000_000L) {
                    broker.expire();
                    lastExpiry = System.nanoTime();
                }
            } catch (RuntimeException e) {
                log.debug("Scheduler tick failed: {}", e.toString());
            }
            if (!TaskWorkers.pause(tick)) {
                return;
            }
        }
    }
}
