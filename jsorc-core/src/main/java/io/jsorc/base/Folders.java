package io.jsorc.base;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Deleting the temporary folders JsOrc makes (a remote action server's port file and log). */
public final class Folders {

    private Folders() {
    }

    /**
     * Deletes a folder and what it holds, best effort: a file that cannot be deleted is left and the rest goes on
     * (links are deleted, never followed).
     *
     * @param dir the folder; nothing happens when it is {@code null} or no folder
     * @return whether it is gone
     */
    public static boolean deleteTree(Path dir) {
        if (dir == null || !Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return dir == null || !Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    // left behind: the others still go
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // gone meanwhile, or unreadable: what could be deleted is
        }
        return !Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }
}
