package io.jsorc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a singleton service: a {@link CommonService} subclass that the orchestrator builds and starts on first
 * use ({@code JsOrc.svc(name)}).
 *
 * <p>Per {@link #name()}, the registered class with the highest {@link #priority()} wins, so a module can override
 * another module's service without editing it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Service {

    /** The name the service is looked up by. */
    String name();

    /** Config key; empty means {@code NAME_CONFIG} upper-cased ({@code redis} -> {@code REDIS_CONFIG}). */
    String config() default "";

    /** Kubernetes manifest key; empty means the service has no manifest. */
    String manifest() default "";

    /** Higher wins among classes registered under the same name. */
    int priority() default 0;

    /**
     * While a repository is being constructed and asks for this service before it was built — or the service is
     * asked for again by the thread that is building it — hand out a shared never-running placeholder instead of
     * building or recursing (breaks the hook -> service -> config -> hook cycle). The placeholder is never cached.
     */
    boolean proxy() default false;

    /**
     * Config fields whose values are secret whatever they are called: masked in {@code info()}, in failure logs and
     * anywhere JsOrc prints the config (fields named like {@code password}, {@code token}, {@code auth} ... are masked
     * anyway).
     */
    String[] secrets() default {};
}
