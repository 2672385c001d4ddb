package com.careledger.bench;

import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * With {@code -Dbench.profile=true}: the time the generator spends per statement (the first 70 characters of its
 * SQL) and per step of the copy, printed at the end of a run, the largest total first.
 */
final class StatementProfile {

    private static final Map<String, AtomicLong[]> PROFILE = new ConcurrentHashMap<>();

    private StatementProfile() {
    }

    /** Adds the time since {@code start} (System.nanoTime) to the statement's total. */
    static void time(String sql, long start) {
        if (Boolean.getBoolean("bench.profile")) {
            String key = sql.strip().replaceAll("\\s+", " ");
            AtomicLong[] a = PROFILE.computeIfAbsent(key.substring(0, Math.min(70, key.length())),
                    k -> new AtomicLong[] {new AtomicLong(), new AtomicLong()});
            a[0].incrementAndGet();
            a[1].addAndGet(System.nanoTime() - start);
        }
    }

    static void print(BenchLog log) {
        PROFILE.entrySet().stream().sorted(Comparator.comparing(e -> -e.getValue()[1].get()))
                .forEach(e -> log.log("%8d calls %9.1f ms  %s", e.getValue()[0].get(), e.getValue()[1].get() / 1e6, e.getKey()));
    }
}
