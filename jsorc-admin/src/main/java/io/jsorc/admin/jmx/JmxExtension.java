package io.jsorc.admin.jmx;

import io.jsorc.ComponentContext;
import io.jsorc.base.DaemonThreads;
import io.jsorc.OrchestratorExtension;
import io.jsorc.operate.OperatorContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * Registers an orchestrator's {@link OrchestratorMXBean} on the platform MBean server when it starts (on a daemon of
 * its own, moments after the start), and removes it when it closes. Found with {@link java.util.ServiceLoader}: every orchestrator with {@code jsorc-admin} on its class
 * path is visible in JMX, whether or not the admin HTTP API is enabled. A failure to register is logged, never fatal.
 */
public final class JmxExtension implements OrchestratorExtension {

    /** The JMX domain. */
    public static final String DOMAIN = "io.jsorc";

    private static final Logger log = LoggerFactory.getLogger(JmxExtension.class);

    /** The daemon that registers the bean. */
    public static final String THREAD = "jsorc-jmx-register";

    private volatile ObjectName registered;
    private volatile Thread registering;
    private boolean closed;

    /** Created by {@link java.util.ServiceLoader}. */
    public JmxExtension() {
    }

    /**
     * Names the bean of an orchestrator.
     *
     * @param id the orchestrator's {@link OperatorContext#id()}
     * @return {@code io.jsorc:type=Orchestrator,name=<id>}
     * @throws IllegalArgumentException when the id makes no valid name
     */
    public static ObjectName objectName(String id) {
        try {
            return new ObjectName(DOMAIN + ":type=Orchestrator,name="
                    + (id.matches("[A-Za-z0-9._-]+") ? id : ObjectName.quote(id)));
        } catch (javax.management.MalformedObjectNameException e) {
            throw new IllegalArgumentException("No JMX name for orchestrator " + id, e);
        }
    }

    /**
     * Registers the bean on a short-lived daemon ({@value #THREAD}): the first use of the platform MBean server in a
     * fresh JVM starts it (~100 ms of class loading and initialisation) and nothing in the orchestrator's start needs
     * the bean, so the start does not wait for it.
     */
    @Override
    public void beforeStart(ComponentContext context) {
        OperatorContext operator = OperatorContext.of(context);
        ObjectName name = objectName(operator.id());
        registering = DaemonThreads.start(THREAD, () -> register(operator, name));
    }

    private synchronized void register(OperatorContext operator, ObjectName name) {
        if (closed) {
            return;
        }
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            server.registerMBean(new OrchestratorBean(operator), name);
            registered = name;
        } catch (JMException | RuntimeException e) {
            log.warn("The orchestrator's JMX bean {} was not registered: {}", name, e.toString());
        }
    }

    /**
     * Waits for a registration under way to end (its thread too: the join), then removes the bean. The registration
     * holds this extension's lock, so a registration that outlasts the join is still waited for, never raced.
     */
    @Override
    public void close(ComponentContext context) {
        DaemonThreads.join(registering, Duration.ofSeconds(10));
        ObjectName name;
        synchronized (this) {
            closed = true;
            name = registered;
            registered = null;
        }
        if (name != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
            } catch (JMException e) {
                log.debug("JMX bean {} was gone already: {}", name, e.toString());
            }
        }
    }
}
