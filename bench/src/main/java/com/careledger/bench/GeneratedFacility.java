package com.careledger.bench;

import java.util.UUID;

/**
 * A facility of the function path: its number {@code no} (0-based), the facility {@code plan} whose plan it
 * follows (itself, or its template; see --templates), its type, its settlement cycle, and the ids of its rows,
 * which the seed fixes, so a rerun and the copy name the same rows.
 */
record GeneratedFacility(long seed, int no, int plan, Catalogue.Type type, UUID id, UUID admin, UUID clerk, UUID clerkStaff,
                         int cycleDays) {

    static GeneratedFacility of(long seed, int no, int plan) {
        int cycleDays = switch (plan % 4) {
            case 0, 1 -> 7;
            case 2 -> 14;
            default -> 30;
        };
        return new GeneratedFacility(seed, no, plan, Plan.type(plan), Plan.id(seed, "facility", no, 0),
                Plan.id(seed, "admin", no, 0), Plan.id(seed, "clerk", no, 0), Plan.id(seed, "clerk-staff", no, 0), cycleDays);
    }

    /** Whether its settlements net online payments against cash commission (one mixed settlement per cycle). */
    boolean netting() {
        return plan % 8 != 7;
    }

    /** Patient i: the same id the set-based patient insert gives. */
    UUID patient(int i) {
        return Plan.md5Uuid("patient:" + seed + ":" + no + ":" + i);
    }

    UUID service(int k) {
        return Plan.id(seed, "service", no, k);
    }

    UUID product(int k) {
        return Plan.id(seed, "product", no, k);
    }

    UUID clinician(int k) {
        return Plan.id(seed, "clinician", no, k);
    }

    /** The appointment of visit n on day d. */
    UUID appointment(int d, int n) {
        return Plan.id(seed, "appointment", no, (long) d * 1000 + n);
    }

    /** What names visit n of day d in gateway order, payment and refund ids and cash idempotency keys. */
    String reference(int d, int n) {
        return "%d_%d_%d_%d".formatted(seed, no, d, n);
    }
}
