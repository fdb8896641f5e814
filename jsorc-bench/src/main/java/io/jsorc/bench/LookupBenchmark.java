package io.jsorc.bench;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Provider;
import com.google.inject.Singleton;
import com.google.inject.name.Names;
import io.jsorc.CommonService;
import io.jsorc.JsOrc;
import io.jsorc.Orchestrator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

import java.util.concurrent.TimeUnit;

/** Lookup of a running singleton by name: JsOrc's facade vs Spring getBean vs Guice getInstance / cached provider. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
@State(Scope.Benchmark)
public class LookupBenchmark {

    private Orchestrator orchestrator;
    private Orchestrator previous;
    private AnnotationConfigApplicationContext spring;
    private Injector injector;
    /** The name looked up; a field, so no container can fold the lookup into a constant. */
    public String name = "bench";
    private Key<BenchComponents.BenchBean> key;
    private Provider<BenchComponents.BenchBean> provider;

    /** Builds the three containers and warms the singleton in each. */
    @Setup(Level.Trial)
    public void setUp() {
        orchestrator = Orchestrator.builder().scanPackages().register(BenchComponents.BenchService.class)
                .config("BENCH_CONFIG", "{\"enabled\": true}").build();
        previous = JsOrc.install(orchestrator);
        if (!JsOrc.svc("bench").isRunning()) {
            throw new IllegalStateException("bench service did not start");
        }
        spring = new AnnotationConfigApplicationContext();
        spring.registerBean("bench", BenchComponents.BenchBean.class);
        spring.refresh();
        key = Key.get(BenchComponents.BenchBean.class, Names.named("bench"));
        injector = Guice.createInjector(new AbstractModule() {
            @Override
            protected void configure() {
                bind(BenchComponents.BenchBean.class).annotatedWith(Names.named("bench"))
                        .to(BenchComponents.BenchBean.class).in(Singleton.class);
            }
        });
        provider = injector.getProvider(key);
    }

    /** Closes the containers. */
    @TearDown(Level.Trial)
    public void tearDown() {
        JsOrc.install(previous);
        orchestrator.close();
        spring.close();
    }

    /** {@return the service through the static facade} */
    @Benchmark
    public CommonService<?> jsorcSvc() {
        return JsOrc.svc(name);
    }

    /** {@return the running service's app (lookup plus the running check Spring's initialised bean implies)} */
    @Benchmark
    public Object jsorcSvcPoke() {
        return JsOrc.svc(name).poke();
    }

    /** {@return the service through the orchestrator instance} */
    @Benchmark
    public CommonService<?> jsorcOrchestratorSvc() {
        return orchestrator.svc(name);
    }

    /** {@return Spring's singleton by name} */
    @Benchmark
    public Object springGetBean() {
        return spring.getBean(name);
    }

    /** {@return Guice's singleton by a key built per call, as a lookup by name must} */
    @Benchmark
    public Object guiceGetInstance() {
        return injector.getInstance(Key.get(BenchComponents.BenchBean.class, Names.named(name)));
    }

    /** {@return Guice's singleton through a cached provider} */
    @Benchmark
    public Object guiceCachedProvider() {
        return provider.get();
    }
}
