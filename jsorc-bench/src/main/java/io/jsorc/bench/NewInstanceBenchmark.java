package io.jsorc.bench;

import com.google.inject.Guice;
import com.google.inject.Injector;
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
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

import java.util.concurrent.TimeUnit;

/** A new instance per call: JsOrc ctx vs Spring prototype vs Guice unscoped; and JsOrc's persisting get. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
@State(Scope.Benchmark)
public class NewInstanceBenchmark {

    private Orchestrator orchestrator;
    private Orchestrator previous;
    private AnnotationConfigApplicationContext spring;
    private Injector injector;

    /** Builds the three containers. */
    @Setup(Level.Trial)
    public void setUp() {
        orchestrator = Orchestrator.builder().scanPackages().register(BenchComponents.BenchContext.class).build();
        previous = JsOrc.install(orchestrator);
        spring = new AnnotationConfigApplicationContext();
        spring.registerBean("proto", BenchComponents.BenchBean.class,
                definition -> definition.setScope(BeanDefinition.SCOPE_PROTOTYPE));
        spring.refresh();
        injector = Guice.createInjector();
    }

    /** Closes the containers. */
    @TearDown(Level.Trial)
    public void tearDown() {
        JsOrc.install(previous);
        orchestrator.close();
        spring.close();
    }

    /** {@return a new context} */
    @Benchmark
    public Object jsorcCtx() {
        return JsOrc.ctx("benchctx");
    }

    /** {@return the persisting context} */
    @Benchmark
    public Object jsorcGet() {
        return JsOrc.get("benchctx");
    }

    /** {@return a new prototype bean} */
    @Benchmark
    public Object springPrototype() {
        return spring.getBean("proto");
    }

    /** {@return a new unscoped instance} */
    @Benchmark
    public Object guiceUnscoped() {
        return injector.getInstance(BenchComponents.BenchBean.class);
    }
}
