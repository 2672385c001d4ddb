package com.careledger.bench;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * What happens at one facility on one simulated day, decided by a random stream seeded with (seed, facility,
 * day) alone: the same seed always plans the same visits, bills and payments, and a resumed run plans the
 * remaining days exactly as an uninterrupted one would. No database access here.
 */
final class Plan {

    enum Outcome { CANCELLED, NO_SHOW, BILLED }

    /** How a bill is paid: left unpaid, online, cash, cash in part, or online in part and the rest in cash. */
    enum Payment { UNPAID, ONLINE, CASH, CASH_PART, SPLIT }

    static final String[] METHODS = {"upi", "card", "rupay_debit", "netbanking", "wallet"};
    private static final int[] METHOD_WEIGHTS = {45, 25, 8, 12, 10};

    /** A line: a service (index into the type's services) or a product (index into its products). */
    record Line(int service, int product, int quantity) {
    }

    record Visit(int n, int patient, int service, int clinician, int slot, Outcome outcome, List<Line> lines,
                 int discountPercent, Payment payment, String method, String gateway, boolean refundOnline,
                 boolean refundCash, boolean cashVariance, int issueDelayMinutes, boolean failedAttempt) {
    }

    private Plan() {
    }

    /** Visits (appointments or counter sales) of a facility on a day; at most what its clinicians' slots hold. */
    static List<Visit> day(Size size, long seed, int facility, int day, int dayOfWeek) {
        Catalogue.Type type = type(facility);
        SplittableRandom r = new SplittableRandom(mix(seed, facility, day));
        // the business grows over the two years (0.7 to 1.3 of the base rate); Sundays are quiet
        double growth = 0.7 + 0.6 * day / Math.max(1, size.days() - 1);
        double rate = size.visitsPerDay() * type.busyness() * growth * (dayOfWeek == 7 ? 0.4 : 1.0);
        int visits = (int) Math.floor(rate + r.nextDouble());
        int capacity = type.counterSalesOnly() ? 200 : type.clinicians() * slotsPerDay(type);
        visits = Math.min(visits, capacity);

        int[] serviceWeights = type.services().stream().mapToInt(Catalogue.Service::weight).toArray();
        int serviceTotal = type.services().stream().mapToInt(Catalogue.Service::weight).sum();
        int[] productWeights = type.products().stream().mapToInt(Catalogue.Product::weight).toArray();
        int productTotal = type.products().stream().mapToInt(Catalogue.Product::weight).sum();

        List<Visit> out = new ArrayList<>(visits);
        for (int n = 0; n < visits; n++) {
            int patient = r.nextInt(size.patientsPerFacility());
            List<Line> lines = new ArrayList<>();
            int service = -1;
            Outcome outcome = Outcome.BILLED;
            if (type.counterSalesOnly()) {
                int count = 1 + r.nextInt(4);
                for (int i = 0; i < count; i++) {
                    int product = Catalogue.pick(productWeights, productTotal, r.nextDouble());
                    if (lines.stream().noneMatch(l -> l.product() == product)) {
                        lines.add(new Line(-1, product, 1 + r.nextInt(3)));
                    }
                }
            } else {
                service = Catalogue.pick(serviceWeights, serviceTotal, r.nextDouble());
                double o = r.nextDouble();
                outcome = o < 0.06 ? Outcome.CANCELLED : o < 0.10 ? Outcome.NO_SHOW : Outcome.BILLED;
                lines.add(new Line(service, -1, 1));
                // a second service now and then (a test ordered at the consultation)
                if (r.nextDouble() < 0.25) {
                    int extra = Catalogue.pick(serviceWeights, serviceTotal, r.nextDouble());
                    if (extra != service) {
                        lines.add(new Line(extra, -1, 1));
                    }
                }
                // medicines from the hospital pharmacy
                if (!type.products().isEmpty() && r.nextDouble() < 0.3) {
                    lines.add(new Line(-1, Catalogue.pick(productWeights, productTotal, r.nextDouble()), 1 + r.nextInt(3)));
                }
            }
            int discount = r.nextDouble() < 0.08 ? 5 + r.nextInt(2) * 5 : 0;
            double p = r.nextDouble();
            Payment payment = p < 0.04 ? Payment.UNPAID : p < 0.50 ? Payment.ONLINE : p < 0.86 ? Payment.CASH
                    : p < 0.93 ? Payment.CASH_PART : Payment.SPLIT;
            String method = METHODS[Catalogue.pick(METHOD_WEIGHTS, 100, r.nextDouble())];
            String gateway = r.nextDouble() < 0.7 ? "razorpay" : "payu";
            boolean refundOnline = r.nextDouble() < 0.03;
            boolean refundCash = r.nextDouble() < 0.02;
            boolean variance = r.nextDouble() < 0.05;
            int delay = 5 + r.nextInt(40);
            // a first attempt the bank declines before the one that succeeds
            boolean failed = r.nextDouble() < 0.06;
            out.add(new Visit(n, patient, service, type.clinicians() == 0 ? -1 : n % type.clinicians(),
                    type.clinicians() == 0 ? n : n / type.clinicians(), outcome, List.copyOf(lines), discount, payment,
                    method, gateway, refundOnline, refundCash, variance, delay, failed));
        }
        return out;
    }

    static Catalogue.Type type(int facility) {
        return Catalogue.TYPES.get(facility % Catalogue.TYPES.size());
    }

    static int slotsPerDay(Catalogue.Type type) {
        return type.slotMinutes() == 0 ? 0 : 12 * 60 / type.slotMinutes();
    }

    static long mix(long seed, int facility, int day) {
        long h = seed * 0x9E3779B97F4A7C15L + facility * 0xC2B2AE3D27D4EB4FL + day * 0x165667B19E3779F9L;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        return h ^ (h >>> 29);
    }

    /** A stable id for a generated row: the same seed names the same rows. */
    static UUID id(long seed, String kind, int facility, long n) {
        return UUID.nameUUIDFromBytes(("careledger-bench:" + seed + ":" + kind + ":" + facility + ":" + n)
                .getBytes(StandardCharsets.UTF_8));
    }

    /** md5 of the text read as a uuid, as {@code md5(text)::uuid} gives it: the ids of set-based inserts and of copies. */
    static UUID md5Uuid(String text) {
        try {
            byte[] h = MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8));
            long hi = 0, lo = 0;
            for (int i = 0; i < 8; i++) {
                hi = (hi << 8) | (h[i] & 0xff);
                lo = (lo << 8) | (h[i + 8] & 0xff);
            }
            return new UUID(hi, lo);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
