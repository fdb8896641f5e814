package io.jsorc.bench;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import io.jsorc.Orchestrator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

import java.util.concurrent.TimeUnit;

/**
 * Startup in a fresh JVM (one shot per fork): build the container over 50 or 500 generated classes and look one up.
 * JsOrc with a package-filtered classgraph scan, JsOrc with the compile-time index, Spring component scan of the same
 * classes, Guice binding them in a module.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(5)
@State(Scope.Benchmark)
public class StartupBenchmark {

    /** How many generated classes. */
    @Param({"50", "500"})
    public int size;

    private String pkg() {
        return "io.jsorc.bench.gen" + size;
    }

    private AutoCloseable container;
    private String first;

    /** The JsOrc name of the first generated class ({@code g50c0}, {@code g500c0}), made before the shot. */
    @Setup(Level.Trial)
    public void name() {
        first = "g" + size + "c0";
    }

    /** Closing is not startup: containers are closed after the shot. */
    @TearDown(Level.Iteration)
    public void close() throws Exception {
        if (container != null) {
            container.close();
            container = null;
        }
    }

    /** {@return the first lookup after a scan} */
    @Benchmark
    public Object jsorcScan() {
        Orchestrator o = Orchestrator.builder().scanPackages(pkg()).useIndex(false).build();
        container = o;
        return o.ctx(first);
    }

    /** {@return the first lookup after reading the index} */
    @Benchmark
    public Object jsorcIndex() {
        Orchestrator o = Orchestrator.builder().scanPackages(pkg()).useIndex(true).build();
        container = o;
        return o.ctx(first);
    }

    /**
     * {@return the first lookup after Spring's component scan} The generated classes are {@code @Lazy}, so Spring,
     * like JsOrc, creates only the instance asked for.
     */
    @Benchmark
    public Object springScan() {
        AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext(pkg());
        container = context;
        return context.getBean("c0");
    }

    /** {@return the first lookup after Guice's module binding} */
    @Benchmark
    public Object guiceModule() throws ReflectiveOperationException {
        Module module = (Module) Class.forName(pkg() + ".GuiceModule").getDeclaredConstructor().newInstance();
        Injector injector = Guice.createInjector(module);
        return injector.getInstance(Class.forName(pkg() + ".C0"));
    }
}
