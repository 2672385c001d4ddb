package com.careledger.bench;

import java.util.Locale;

/**
 * How much to generate. Facilities cycle through the seven facility types; every facility gets its
 * patients, and visits on each of {@code days} days at {@code visitsPerDay} on average (scaled by how busy
 * its type is, by growth over the period and by the day of the week).
 */
record Size(String name, int facilities, int days, double visitsPerDay, int patientsPerFacility) {

    /** Seconds: one facility of each type, two years, a visit every few weeks; used by the build's test. */
    static final Size SMALL = new Size("small", 7, 730, 0.06, 40);
    /** About 1 million money rows: the benchmark default. */
    static final Size MEDIUM = new Size("medium", 70, 730, 2.1, 1500);
    /** 1,000 facilities, at least 10 million money rows; hours on two cores, resumable. */
    static final Size LARGE = new Size("large", 1000, 730, 1.6, 1200);

    static Size named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "small" -> SMALL;
            case "medium" -> MEDIUM;
            case "large" -> LARGE;
            default -> throw new IllegalArgumentException("size is small, medium or large (got " + name + ")");
        };
    }

    Size withFacilities(int n) {
        return new Size(name, n, days, visitsPerDay, patientsPerFacility);
    }
}
