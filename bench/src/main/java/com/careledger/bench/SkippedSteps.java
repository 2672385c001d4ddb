package com.careledger.bench;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The optional steps a database function refused during a run: each rolled back to its savepoint and left out
 * where it failed, named in the run's result and, with the first error of each, in its output.
 */
final class SkippedSteps {

    private final Set<String> steps = ConcurrentHashMap.newKeySet();
    private final Map<String, String> firstErrors = new ConcurrentHashMap<>();

    /** A refusal of {@code step}; {@code where} names it in the output, with the first message there. */
    void add(String step, String where, String message) {
        steps.add(step);
        firstErrors.putIfAbsent(where, message);
    }

    Set<String> steps() {
        return Set.copyOf(steps);
    }

    void print(BenchLog log) {
        firstErrors.forEach((step, message) -> log.log("note: %s was skipped where it failed; first error: %s", step, message));
    }
}
