package io.jsorc.runtime;

import java.util.List;

/** The {@code jsorc-*} threads alive now. */
final class CloseTestThreads {

    private CloseTestThreads() {
    }

    static List<String> jsorcThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("jsorc-") && !n.startsWith("jsorc-preload")).sorted().toList();
    }
}
