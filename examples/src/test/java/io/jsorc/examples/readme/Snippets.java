package io.jsorc.examples.readme;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The code blocks of README.md and the files they come from. A block preceded by {@code <!-- snippet: PATH -->}
 * shows the whole file PATH (relative to the repository root); {@code <!-- snippet: PATH#TAG -->} shows the lines
 * between {@code // tag::TAG[]} and {@code // end::TAG[]} in it, dedented (a tag may mark several parts, e.g. the
 * imports and the statements; they are joined with a blank line).
 */
final class Snippets {

    /** The repository root: surefire runs in examples/. */
    static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    static final Path README = ROOT.resolve("README.md");

    private static final Pattern MARKER = Pattern.compile("^<!-- snippet: ([^#\\s]+)(?:#(\\S+))? -->$");
    private static final Pattern TAG_LINE = Pattern.compile("^\\s*(//|<!--|#)\\s*(tag|end)::[\\w-]+\\[\\].*$");

    /**
     * One fenced block of the README.
     *
     * @param line     1-based line of its opening fence
     * @param language what follows the fence ({@code java}, {@code xml}, ...), may be empty
     * @param path     the snippet file, or {@code null} when no marker precedes the block
     * @param tag      the tagged region, or {@code null} for the whole file
     * @param text     the block's content, every line ending in a newline
     */
    record Block(int line, String language, String path, String tag, String text) {

        String source() {
            return path + (tag == null ? "" : "#" + tag);
        }
    }

    private Snippets() {
    }

    static List<Block> readmeBlocks() {
        List<String> lines = readLines(README);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!line.startsWith("```")) {
                continue;
            }
            String language = line.substring(3).trim();
            String path = null;
            String tag = null;
            if (i > 0) {
                Matcher m = MARKER.matcher(lines.get(i - 1).trim());
                if (m.matches()) {
                    path = m.group(1);
                    tag = m.group(2);
                }
            }
            StringBuilder text = new StringBuilder();
            int start = i;
            for (i++; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
                text.append(lines.get(i)).append('\n');
            }
            blocks.add(new Block(start + 1, language, path, tag, text.toString()));
        }
        return blocks;
    }

    /** {@return what the block's marker names: the whole file, or its tagged region} */
    static String expected(Block block) {
        Path file = ROOT.resolve(block.path());
        if (block.tag() == null) {
            String text = read(file);
            return text.endsWith("\n") ? text : text + "\n";
        }
        List<String> lines = readLines(file);
        String begin = "tag::" + block.tag() + "[]";
        String end = "end::" + block.tag() + "[]";
        List<List<String>> parts = new ArrayList<>();
        List<String> part = null;
        for (String line : lines) {
            if (line.contains(begin)) {
                part = new ArrayList<>();
            } else if (line.contains(end)) {
                if (part != null) {
                    parts.add(part);
                }
                part = null;
            } else if (part != null && !TAG_LINE.matcher(line).matches()) {
                part.add(line);
            }
        }
        if (parts.isEmpty()) {
            throw new AssertionError(file + " has no region tagged '" + block.tag() + "'");
        }
        StringBuilder text = new StringBuilder();
        for (List<String> p : parts) {
            if (text.length() > 0) {
                text.append('\n');
            }
            int indent = p.stream().filter(l -> !l.isBlank())
                    .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
            for (String l : p) {
                text.append(l.isBlank() ? "" : l.substring(indent)).append('\n');
            }
        }
        return text.toString();
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> readLines(Path file) {
        return List.of(read(file).split("\n", -1));
    }
}
