package io.jsorc.action;

import io.jsorc.base.Folders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The entry of an action server process ({@code ActionServer.main}): builds the module, binds, tells its parent the
 * port, and runs until SIGTERM or until its parent process is gone.
 *
 * <p>Arguments: module class, port, optional jar. Environment: {@value ActionServer#TOKEN_ENV} (the call token),
 * {@value ActionServer#BIND_ENV} (the address; loopback without it), {@value ServerLimits#MAX_BODY_BYTES_ENV} (the
 * body cap) and {@value ActionServer#PORT_FILE_ENV}: where to write the bound port. A launcher passes port 0 and reads the port
 * from that file, so the port is never free between a probe and the bind for another process to take.
 */
final class ActionServerMain {

    private static final Logger log = LoggerFactory.getLogger(ActionServerMain.class);

    private ActionServerMain() {
    }

    /**
     * Runs the server until SIGTERM or until the host is gone.
     *
     * @param args             module class, port, optional jar
     * @param environment      the process's environment
     * @param hostGoneEarly    run when the host goes while the module is still being built (its constructor may
     *                         hang or have started threads of its own): the entry point ends the process then
     * @throws Exception when the server cannot start
     */
    static void run(String[] args, Map<String, String> environment, Runnable hostGoneEarly) throws Exception {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: ActionServer <module class> <port> [jar]");
        }
        // The host is watched first, before anything of the module runs: a host killed with SIGKILL runs no
        // shutdown hook and retires nothing, so the server goes with its parent, at any point of its life.
        String hostPid = environment.get(ActionServer.PARENT_PID_ENV);
        java.util.Optional<ProcessHandle> host = hostPid == null || hostPid.isBlank() ? ProcessHandle.current().parent()
                : ProcessHandle.of(Long.parseLong(hostPid.strip()));
        Path cleanup = cleanupDir(environment);
        if (host.isEmpty() && hostPid != null && !hostPid.isBlank()) {
            log.info("The host process {} is gone already; stopping", hostPid.strip());
            Folders.deleteTree(cleanup);
            return;
        }
        java.util.concurrent.atomic.AtomicReference<ActionServer> running =
                new java.util.concurrent.atomic.AtomicReference<>();
        CountDownLatch stopped = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean hostGone = new java.util.concurrent.atomic.AtomicBoolean();
        host.ifPresent(parent -> parent.onExit().thenRun(() -> {
            log.info("The host process {} is gone; stopping", parent.pid());
            hostGone.set(true);
            ActionServer server = running.get();
            // Its folder goes too (the host, killed, never retires it); only then is run() let return, since the
            // entry point exits the JVM as soon as it does.
            if (server != null) {
                server.close();
            }
            Folders.deleteTree(cleanup);
            stopped.countDown();
            if (server == null) {
                hostGoneEarly.run();
            }
        }));
        ClassLoader loader = ActionServer.class.getClassLoader();
        if (args.length > 2) {
            loader = new URLClassLoader(new URL[]{Path.of(args[2]).toUri().toURL()}, loader);
        }
        int port = Integer.parseInt(args[1]);
        String bind = environment.get(ActionServer.BIND_ENV);
        InetSocketAddress address = bind == null || bind.isBlank()
                ? new InetSocketAddress(InetAddress.getLoopbackAddress(), port) : new InetSocketAddress(bind, port);
        // Not initialised here: ActionSpec.of checks @ActionModule before the constructor runs the static initialiser.
        ActionServer server = new ActionServer(Class.forName(args[0], false, loader), address,
                environment.get(ActionServer.TOKEN_ENV), ServerLimits.fromEnvironment(environment));
        running.set(server);
        if (hostGone.get()) { // the host went while the module was being built
            server.close();
            stopped.await(); // the folder's cleanup ends first: the entry point exits the JVM when this returns
            return;
        }
        // Not DaemonThreads: a shutdown hook must be an unstarted thread, and the daemon flag means nothing to it.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "jsorc-action-server-shutdown"));
        String portFile = environment.get(ActionServer.PORT_FILE_ENV);
        if (portFile != null && !portFile.isBlank()) {
            reportPort(Path.of(portFile), server.port());
        }
        log.info("Action server for '{}' on {}:{}", server.module(), address.getAddress().getHostAddress(),
                server.port());
        stopped.await();
    }

    /** {@return the folder to delete when the host is gone, or {@code null}: only a launcher's {@code jsorc-action-*}} */
    private static Path cleanupDir(Map<String, String> environment) {
        String dir = environment.get(ActionServer.CLEANUP_DIR_ENV);
        if (dir == null || dir.isBlank()) {
            return null;
        }
        Path path = Path.of(dir).toAbsolutePath().normalize();
        // Defensive: a mistaken variable must not make the server delete some other folder.
        return path.getFileName() != null && path.getFileName().toString().startsWith("jsorc-action-") ? path : null;
    }

    /** Writes the port to a file beside the target, then moves it in place: the parent never reads half a line. */
    static void reportPort(Path file, int port) throws IOException {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.writeString(partial, port + "\n", StandardCharsets.US_ASCII);
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
