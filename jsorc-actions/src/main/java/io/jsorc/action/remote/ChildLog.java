package io.jsorc.action.remote;

import io.jsorc.base.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A child JVM's output, copied into a log of bounded size: {@code server.log} until it holds its cap, then that
 * part becomes {@code server.log.1} (replacing the one before) and a new {@code server.log} begins. So a server that
 * runs for weeks, with a module that prints at every call, keeps at most twice the cap on disk, and always at least
 * the cap's worth of its latest output.
 *
 * <p>The copying runs on a daemon thread of its own ({@code jsorc-action-log-<module>}), which ends when the child's
 * output is closed, normally when the child exits. It keeps reading even when the log cannot be written (a full
 * disk): a child whose output nobody reads would block on its next line.
 */
final class ChildLog {

    private static final Logger log = LoggerFactory.getLogger(ChildLog.class);
    private static final int TAIL_LINES = 20;
    private static final int TAIL_BYTES = 64 * 1024;

    private final Path file;
    private final Path previous;
    private final long maxBytes;
    /** Held while a part is rolled over and while the tail is read, so a tail never sees the log between parts. */
    private final Object parts = new Object();
    private final Thread copier;

    private ChildLog(String module, InputStream output, Path file, long maxBytes) {
        this.file = file;
        this.previous = previousPart(file);
        this.maxBytes = maxBytes;
        // Started last: every field the copy reads is set before it starts.
        this.copier = DaemonThreads.start("jsorc-action-log-" + module, () -> copy(output));
    }

    /**
     * Starts copying a child's output into a log.
     *
     * @param module   the module's name, for the thread's name
     * @param output   the child's output (standard output with standard error merged into it)
     * @param file     the log; its previous part is the same name with {@code .1} added
     * @param maxBytes the size at which a part is rolled over
     * @return the running copy
     */
    static ChildLog start(String module, InputStream output, Path file, long maxBytes) {
        return new ChildLog(module, output, file, maxBytes);
    }

    /** The part of a log that was rolled over last. */
    static Path previousPart(Path file) {
        return file.resolveSibling(file.getFileName() + ".1");
    }

    /**
     * Waits until everything the child wrote is in the log (its output ended).
     *
     * @param timeout how long to wait at most
     * @return whether the copy ended
     */
    boolean awaitEnd(Duration timeout) {
        // A cancelled start arrives here interrupted: it still waits, bounded, and keeps its interrupt.
        boolean interrupted = Thread.interrupted();
        try {
            return DaemonThreads.join(copier, timeout);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The last lines of this log (see {@link #tail(Path)}), never read in the middle of a rollover. When the child
     * has exited, first waits (at most 2 s) for its last lines still in the pipe: they are what tells why.
     *
     * @param child the child whose output this is
     * @return at most the last 20 lines
     */
    String tail(Process child) {
        if (!child.isAlive()) {
            awaitEnd(Duration.ofSeconds(2));
        }
        synchronized (parts) {
            return tail(file);
        }
    }

    private void copy(InputStream output) {
        byte[] buffer = new byte[(int) Math.min(8192, maxBytes)];
        OutputStream part = null;
        long written = 0;
        boolean failed = false;
        try (output) {
            int read;
            while ((read = output.read(buffer)) >= 0) {
                if (failed) {
                    continue; // keep draining: the child must never block on its output
                }
                try {
                    int offset = 0;
                    while (offset < read) {
                        if (part == null || written == maxBytes) {
                            part = nextPart(part);
                            written = 0;
                        }
                        // Fills each part to the cap exactly: the rolled-over part holds a full cap of output.
                        int length = (int) Math.min(read - offset, maxBytes - written);
                        part.write(buffer, offset, length);
                        offset += length;
                        written += length;
                    }
                } catch (IOException e) {
                    failed = true;
                    log.warn("The log of an action server could not be written ({}); its further output is dropped: "
                            + "{}", e.getClass().getSimpleName(), file);
                }
            }
        } catch (IOException e) {
            // The child's output was closed under us: it is gone.
        } finally {
            if (part != null) {
                try {
                    part.close();
                } catch (IOException e) {
                    // nothing more to write
                }
            }
        }
    }

    /** Closes and rolls over the current part (a full one), if any, and opens a new one. */
    private OutputStream nextPart(OutputStream current) throws IOException {
        synchronized (parts) {
            if (current != null) {
                current.close();
                Files.move(file, previous, StandardCopyOption.REPLACE_EXISTING);
            }
            return Files.newOutputStream(file); // creates, or truncates what a launch left
        }
    }

    /**
     * The last lines of a child's log, across its current and previous part, read from their last
     * {@value #TAIL_BYTES} bytes only (a server that ran for days has a long log) and decoded leniently (a byte that is
     * no UTF-8 must not cost the whole tail).
     *
     * <p>A part that was rolled over begins where the cap fell, mostly inside a line: when the tail reaches back into
     * it, its first line read is left out, as is a line the 64 KB window cuts.
     *
     * @param file the log's current part
     * @return at most the last 20 lines, or {@code ""} when there is no log
     */
    static String tail(Path file) {
        try {
            byte[] current = end(file, TAIL_BYTES);
            byte[] before = new byte[0];
            boolean cut = current.length == TAIL_BYTES && size(file) > TAIL_BYTES;
            Path previous = previousPart(file);
            if (!cut && Files.exists(previous)) {
                before = end(previous, TAIL_BYTES - current.length);
                cut = true;
            }
            byte[] bytes = new byte[before.length + current.length];
            System.arraycopy(before, 0, bytes, 0, before.length);
            System.arraycopy(current, 0, bytes, before.length, current.length);
            List<String> lines = new ArrayList<>(new String(bytes, StandardCharsets.UTF_8).lines().toList());
            if (cut && !lines.isEmpty()) {
                lines.remove(0); // cut in the middle
            }
            return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    private static long size(Path file) throws IOException {
        try {
            return Files.size(file);
        } catch (NoSuchFileException e) {
            return 0;
        }
    }

    /**
     * The last bytes of a file, at most {@code max}, none when it does not exist (a first part not yet written);
     * reads up to what the file held when its size was taken.
     */
    private static byte[] end(Path file, int max) throws IOException {
        if (max <= 0 || !Files.exists(file)) {
            return new byte[0];
        }
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            long size = channel.size();
            long from = Math.max(0, size - max);
            ByteBuffer bytes = ByteBuffer.allocate((int) (size - from));
            channel.position(from);
            while (bytes.hasRemaining() && channel.read(bytes) >= 0) {
                // fills the buffer
            }
            byte[] read = new byte[bytes.position()];
            System.arraycopy(bytes.array(), 0, read, 0, read.length);
            return read;
        }
    }
}
