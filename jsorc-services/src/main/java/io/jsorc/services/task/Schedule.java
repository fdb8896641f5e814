package io.jsorc.services.task;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * When a task is submitted by the scheduler: every N units, on a five-field crontab, or once at an instant.
 * Schedules are stored by the task broker (in Redis, shared by every replica: a due run fires exactly once).
 *
 * @param name  the schedule's name (unique)
 * @param task  the task to submit
 * @param args  its arguments
 * @param kind  interval, cron or once
 * @param every interval: how many {@code period}s
 * @param period interval: {@code seconds}, {@code minutes}, {@code hours} or {@code days}
 * @param cron  cron: five fields (minute hour day-of-month month day-of-week)
 * @param at    once: when
 */
public record Schedule(String name, String task, Map<String, Object> args, Kind kind, long every, String period,
                       String cron, Instant at) {

    /** The three kinds of schedule. */
    public enum Kind {
        /** Every {@code every} {@code period}s. */
        INTERVAL,
        /** On a crontab. */
        CRON,
        /** Once, at {@code at}. */
        ONCE
    }

    private static final Set<String> PERIODS = Set.of("seconds", "minutes", "hours", "days");

    private static Map<String, Object> sortedCopy(Map<String, ?> map) {
        Map<String, Object> sorted = new java.util.TreeMap<>();
        map.forEach((k, v) -> sorted.put(String.valueOf(k), sortedValue(v)));
        return java.util.Collections.unmodifiableMap(sorted); // JSON nulls kept (Map.copyOf refused them)
    }

    private static Object sortedValue(Object value) {
        if (value instanceof Map<?, ?> map) {
            @SuppressWarnings("unchecked")
            Map<String, ?> typed = (Map<String, ?>) map;
            return sortedCopy(typed);
        }
        if (value instanceof java.util.List<?> list) {
            return java.util.Collections.unmodifiableList(list.stream().map(Schedule::sortedValue)
                    .collect(java.util.stream.Collectors.toList()));
        }
        return value;
    }
    private static final CronParser CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    /** Validates. */
    public Schedule {
        requireText(name, "name");
        requireText(task, "task");
        Objects.requireNonNull(kind, "kind");
        // Sorted, at every depth: the stored definition must be the same text on every replica and at every start
        // (Map.copyOf's order differs per JVM, and a definition that looks changed resets the next run).
        args = args == null ? Map.of() : sortedCopy(args);
        switch (kind) {
            case INTERVAL -> {
                if (every <= 0) {
                    throw new IllegalArgumentException("Schedule '" + name + "': every must be positive, is " + every);
                }
                if (period == null || !PERIODS.contains(period)) {
                    throw new IllegalArgumentException("Schedule '" + name + "': period is " + period
                            + "; allowed: " + PERIODS);
                }
            }
            case CRON -> {
                requireText(cron, "cron");
                try {
                    CRON.parse(cron).validate();
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("Schedule '" + name + "': crontab '" + cron
                            + "' is not five valid fields (minute hour day-of-month month day-of-week): "
                            + e.getMessage(), e);
                }
            }
            case ONCE -> Objects.requireNonNull(at, "Schedule '" + name + "': at is required for a one-off schedule");
            default -> throw new IllegalArgumentException("unknown kind " + kind);
        }
    }

    /**
     * Makes a schedule that runs a task at a fixed interval.
     *
     * @param name   the schedule name
     * @param task   the task
     * @param args   its arguments
     * @param every  how many periods
     * @param period seconds, minutes, hours or days
     * @return an interval schedule
     */
    public static Schedule every(String name, String task, Map<String, Object> args, long every, String period) {
        return new Schedule(name, task, args, Kind.INTERVAL, every, period, null, null);
    }

    /**
     * Makes a schedule that runs a task on a cron expression.
     *
     * @param name    the schedule name
     * @param task    the task
     * @param args    its arguments
     * @param crontab five fields
     * @return a cron schedule
     */
    public static Schedule cron(String name, String task, Map<String, Object> args, String crontab) {
        return new Schedule(name, task, args, Kind.CRON, 0, null, crontab, null);
    }

    /**
     * Makes a schedule that runs a task once, at an instant.
     *
     * @param name the schedule name
     * @param task the task
     * @param args its arguments
     * @param at   when
     * @return a one-off schedule
     */
    public static Schedule once(String name, String task, Map<String, Object> args, Instant at) {
        return new Schedule(name, task, args, Kind.ONCE, 0, null, null, at);
    }

    /**
     * Computes the next run after an instant.
     *
     * @param after the instant after which the next run falls
     * @param zone  the zone crontabs are read in
     * @return the first run strictly after {@code after}, or {@code null} when there is none (a past one-off)
     */
    public Instant nextRunAfter(Instant after, ZoneId zone) {
        return switch (kind) {
            case INTERVAL -> after.plus(interval());
            case CRON -> ExecutionTime.forCron(CRON.parse(cron)).nextExecution(ZonedDateTime.ofInstant(after, zone))
                    .map(ZonedDateTime::toInstant).orElse(null);
            case ONCE -> at.isAfter(after) ? at : null;
        };
    }

    /**
     * The run after a run that was due at {@code due}, skipping runs missed before {@code now}.
     *
     * @param due  when the run that fires now was due
     * @param now  now
     * @param zone the crontab zone
     * @return the next run, or {@code null} for a one-off
     */
    public Instant followingRun(Instant due, Instant now, ZoneId zone) {
        if (kind == Kind.ONCE) {
            return null;
        }
        if (kind == Kind.INTERVAL) {
            Duration step = interval();
            Instant next = due.plus(step);
            if (!next.isAfter(now)) {
                long missed = Duration.between(next, now).toMillis() / step.toMillis() + 1;
                next = next.plus(step.multipliedBy(missed));
            }
            return next;
        }
        return nextRunAfter(now.isAfter(due) ? now : due, zone);
    }

    /** {@return the stored form (JSON-compatible; {@code at} as epoch milliseconds)} */
    public Map<String, Object> toMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", name);
        out.put("task", task);
        out.put("args", args);
        out.put("kind", kind.name());
        out.put("every", every);
        out.put("period", period);
        out.put("cron", cron);
        out.put("at", at == null ? null : at.toEpochMilli());
        return out;
    }

    /**
     * Reads a schedule from its stored form.
     *
     * @param stored the stored form
     * @return the schedule
     * @throws IllegalArgumentException when it is not a valid schedule
     */
    @SuppressWarnings("unchecked")
    public static Schedule fromMap(Map<String, Object> stored) {
        Object at = stored.get("at");
        Object every = stored.get("every");
        return new Schedule((String) stored.get("name"), (String) stored.get("task"),
                (Map<String, Object>) stored.get("args"), Kind.valueOf(String.valueOf(stored.get("kind"))),
                every instanceof Number n ? n.longValue() : 0, (String) stored.get("period"),
                (String) stored.get("cron"), at instanceof Number n ? Instant.ofEpochMilli(n.longValue()) : null);
    }

    private Duration interval() {
        ChronoUnit unit = switch (period) {
            case "seconds" -> ChronoUnit.SECONDS;
            case "minutes" -> ChronoUnit.MINUTES;
            case "hours" -> ChronoUnit.HOURS;
            default -> ChronoUnit.DAYS;
        };
        return Duration.of(every, unit);
    }

    private static void requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("Schedule " + field + " is required");
        }
    }
}
