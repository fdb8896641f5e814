package io.jsorc.examples;

import io.jsorc.CommonService;
import io.jsorc.Service;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * An automated service whose dependency is not up yet: its first {@code fail_first} starts fail. The regeneration
 * loop brings it up without anyone calling it again.
 */
@Service(name = "flaky")
public class FlakyService extends CommonService<String> {

    private static final AtomicInteger ATTEMPTS = new AtomicInteger();

    @Override
    protected String run() {
        int attempt = ATTEMPTS.incrementAndGet();
        int failFirst = ((Number) config().getOrDefault("fail_first", 3)).intValue();
        if (attempt <= failFirst) {
            throw new IllegalStateException("dependency not reachable yet (attempt " + attempt + ")");
        }
        return "connected on attempt " + attempt;
    }
}
