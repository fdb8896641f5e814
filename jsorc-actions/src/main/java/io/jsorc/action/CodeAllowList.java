package io.jsorc.action;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where module code may come from: the optional top-level lists {@code allowed_packages} and
 * {@code allowed_jar_dirs} of {@code ACTION_CONFIGS}, applied to every module whatever gave its config (code, a
 * resource or the store). A module class outside {@code allowed_packages} (a package and its subpackages), or a
 * {@code jar} outside every {@code allowed_jar_dirs} directory (symbolic links resolved), is refused before anything
 * is loaded or launched: no class is loaded, no static initialiser runs, no server starts. An absent or empty list
 * allows everything; classes from the application's class path (no {@code jar}) are governed by
 * {@code allowed_packages} only.
 *
 * @param packages allowed packages (empty: any)
 * @param jarDirs  allowed jar directories, absolute and normalised (empty: any)
 */
record CodeAllowList(List<String> packages, List<Path> jarDirs) {

    /** Top-level {@code ACTION_CONFIGS} key of the allowed packages. */
    static final String PACKAGES_KEY = "allowed_packages";
    /** Top-level {@code ACTION_CONFIGS} key of the allowed jar directories. */
    static final String JAR_DIRS_KEY = "allowed_jar_dirs";

    /** Allows everything. */
    static final CodeAllowList ANY = new CodeAllowList(List.of(), List.of());

    CodeAllowList {
        packages = List.copyOf(packages);
        jarDirs = List.copyOf(jarDirs);
    }

    /**
     * Reads the lists from the stored {@code ACTION_CONFIGS}.
     *
     * @param stored the whole {@code ACTION_CONFIGS} object
     * @return the allow-list ({@link #ANY} when neither key is there)
     * @throws IllegalArgumentException naming the key when it is not a list of the right strings
     */
    static CodeAllowList of(Map<String, Object> stored) {
        List<String> packages = new ArrayList<>();
        for (String value : strings(stored, PACKAGES_KEY)) {
            String name = value.endsWith(".") ? value.substring(0, value.length() - 1) : value;
            if (!name.matches("[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*"
                    + "(\\.[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*)*")) {
                throw new IllegalArgumentException(ActionManager.CONFIG_KEY + "." + PACKAGES_KEY
                        + " must hold Java package names (like com.example.actions), holds '" + value + "'");
            }
            packages.add(name);
        }
        List<Path> dirs = new ArrayList<>();
        for (String value : strings(stored, JAR_DIRS_KEY)) {
            Path dir;
            try {
                dir = Path.of(value);
            } catch (InvalidPathException e) {
                dir = null;
            }
            if (dir == null || !dir.isAbsolute()) {
                throw new IllegalArgumentException(ActionManager.CONFIG_KEY + "." + JAR_DIRS_KEY
                        + " must hold absolute directory paths, holds '" + value + "'");
            }
            dirs.add(real(dir));
        }
        return packages.isEmpty() && dirs.isEmpty() ? ANY : new CodeAllowList(packages, dirs);
    }

    private static List<String> strings(Map<String, Object> stored, String key) {
        Object value = stored.get(key);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list) || list.stream().anyMatch(v -> !(v instanceof String s) || s.isBlank())) {
            throw new IllegalArgumentException(ActionManager.CONFIG_KEY + "." + key
                    + " must be a list of non-blank strings, is " + value);
        }
        return list.stream().map(String.class::cast).toList();
    }

    /**
     * Refuses a module whose class or jar is outside the lists.
     *
     * @param name   the module name
     * @param config its config
     * @throws ActionException naming the list and its values
     */
    void check(String name, ActionConfig config) {
        if (!packages.isEmpty()) {
            String type = config.module();
            int dot = type.lastIndexOf('.');
            String pkg = dot < 0 ? "" : type.substring(0, dot);
            if (packages.stream().noneMatch(p -> pkg.equals(p) || pkg.startsWith(p + "."))) {
                throw new ActionException("Action module '" + name + "' is refused: its class " + type
                        + " is not in a package of " + ActionManager.CONFIG_KEY + "." + PACKAGES_KEY + " " + packages);
            }
        }
        if (!jarDirs.isEmpty() && config.jar() != null) {
            Path jar;
            try {
                jar = real(Path.of(config.jar()).toAbsolutePath());
            } catch (InvalidPathException e) {
                jar = null;
            }
            Path found = jar;
            if (found == null || jarDirs.stream().noneMatch(found::startsWith)) {
                throw new ActionException("Action module '" + name + "' is refused: its jar " + config.jar()
                        + " is not in a directory of " + ActionManager.CONFIG_KEY + "." + JAR_DIRS_KEY + " " + jarDirs);
            }
        }
    }

    /** The real path when it exists (symbolic links resolved, so a link cannot lead out), else the normalised one. */
    private static Path real(Path path) {
        try {
            return Files.exists(path) ? path.toRealPath() : path.normalize();
        } catch (IOException e) {
            return path.normalize();
        }
    }
}
