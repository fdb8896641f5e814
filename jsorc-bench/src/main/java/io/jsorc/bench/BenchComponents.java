package io.jsorc.bench;

import io.jsorc.CommonService;
import io.jsorc.Context;
import io.jsorc.Service;

/** The components the lookup benchmarks resolve, one per container. */
public final class BenchComponents {

    private BenchComponents() {
    }

    /** A running JsOrc service. */
    @Service(name = "bench")
    public static class BenchService extends CommonService<Object> {
        @Override
        protected Object run() {
            return new Object();
        }
    }

    /** A JsOrc context (new instance per ctx()). */
    @Context(name = "benchctx")
    public static class BenchContext {
    }

    /** A plain bean for Spring and Guice. */
    public static class BenchBean {
    }
}
