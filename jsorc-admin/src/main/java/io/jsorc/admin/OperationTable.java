package io.jsorc.admin;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** The admin API's operations by name; filled once while the server is built, read-only after. */
final class OperationTable {

    private final Map<String, AdminOperation> operations = new TreeMap<>();

    /**
     * Adds an operation.
     *
     * @throws IllegalStateException when the name is taken
     */
    OperationTable add(String name, AdminOperation operation) {
        if (operations.putIfAbsent(name, operation) != null) {
            throw new IllegalStateException("Admin operation '" + name + "' is defined twice");
        }
        return this;
    }

    Optional<AdminOperation> find(String name) {
        return Optional.ofNullable(operations.get(name));
    }

    Set<String> names() {
        return Collections.unmodifiableSet(operations.keySet());
    }
}
