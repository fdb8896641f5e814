package io.jsorc.bench.app;

import io.jsorc.CommonService;
import io.jsorc.Service;
import io.jsorc.services.redis.RedisService;

/**
 * The "real app"'s second service: counts visits in Redis through the {@code redis} service of
 * {@code jsorc-services} ({@code VISITS_CONFIG}).
 */
@Service(name = "visits")
public class VisitService extends CommonService<RedisService> {

    /** Built by the orchestrator. */
    public VisitService() {
    }

    @Override
    protected RedisService run() {
        return context().svc("redis", RedisService.class);
    }

    /** {@return the visits counted so far, this one included} */
    public long hit() {
        return poke().op(redis -> redis.incr("bench:app:visits"));
    }
}
