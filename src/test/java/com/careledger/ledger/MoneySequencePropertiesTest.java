package com.careledger.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.stream.LongStream;

import com.careledger.test.AppSession;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random sequences of money events over several facilities with random terms, each through the app's SQL functions
 * as the app role, checked against this test's own arithmetic (BigDecimal, half up, once per derived amount) and
 * against the invariants: every trial balance is 0; the reconciliation finds no difference between ledger and source
 * rows; the owner's three questions equal the ledger; nothing is negative; nothing is allocated beyond its open
 * amount; the platform never pays out online money a gateway has not paid it. Seeds are fixed, so a failure
 * reproduces; the number of sequences and steps is bounded for the build. Each sequence rolls back.
 */
class MoneySequencePropertiesTest {

    static final UUID SUPER_ADMIN = UUID.fromString("5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0001");
    static final int FACILITIES = 3;
    static final int STEPS = 45;

    static LongStream seeds() {
        return LongStream.of(1, 7, 42, 2026, 31337);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomSequencesKeepEveryFigureProvable(long seed) throws Exception {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            World world = new World(s, new SplittableRandom(seed), seed);
            for (int i = 0; i < FACILITIES; i++) {
                world.addFacility(i);
            }
            for (int step = 0; step < STEPS; step++) {
                world.step();
                if (step % 15 == 14) {
                    world.checkInvariants();
                }
            }
            world.checkInvariants();
            assertThat(world.events).as("the sequence did something of each kind").containsKeys("capture", "cash");
        }
    }

    /** The facilities, their open bills and this test's own figures. */
    static final class World {
        private final AppSession s;
        private final SplittableRandom random;
        private final long seed;
        private final List<Facility> facilities = new ArrayList<>();
        final Map<String, Integer> events = new LinkedHashMap<>();
        private int counter;

        World(AppSession s, SplittableRandom random, long seed) {
            this.s = s;
            this.random = random;
            this.seed = seed;
        }

        void addFacility(int index) throws SQLException {
            String tag = "prop-" + seed + "-" + index;
            BigDecimal gatewayMdr = pick("0", "0.0025", "0.011", "0.019");
            BigDecimal platformMdr = gatewayMdr.add(pick("0", "0.001", "0.0025"));
            BigDecimal gst = pick("0.18", "0.12");
            boolean cashApplies = random.nextInt(5) > 0;
            boolean fixedFee = random.nextBoolean();
            BigDecimal cashRate = pick("0.01", "0.02", "0.025");
            long fixedPaise = random.nextBoolean() ? 2_500 : 1_000;
            boolean gstOnCash = random.nextInt(3) > 0;
            String terms = """
                    {"gst_rate": %s, "cash_commission_applies": %s, "cash_commission_type": "%s", %s,
                     "gst_on_cash_commission": %s, "refund_gateway_fee_bearer": "%s", "tds_rate": %s,
                     "settlement_cycle": "weekly", "minimum_payout_paise": 0, "netting_allowed": %s}"""
                    .formatted(gst, cashApplies, fixedFee ? "fixed_per_bill" : "percentage",
                            fixedFee ? "\"cash_commission_fixed_paise\": " + fixedPaise : "\"cash_commission_rate\": " + cashRate,
                            gstOnCash, random.nextBoolean() ? "facility" : "platform", pick("0", "0.01", "0.02"),
                            random.nextInt(4) > 0);
            String rates = """
                    [{"method": "card", "gateway_mdr": %s, "platform_mdr": %s},
                     {"method": "upi", "gateway_mdr": 0, "platform_mdr": 0},
                     {"method": "rupay_debit", "gateway_mdr": 0, "platform_mdr": 0},
                     {"method": "netbanking", "gateway_mdr": 0.015, "platform_mdr": 0.017},
                     {"method": "wallet", "gateway_mdr": 0.018, "platform_mdr": 0.02}]""".formatted(gatewayMdr, platformMdr);
            s.as(SUPER_ADMIN, null);
            UUID id = UUID.fromString(s.string("""
                    select app.onboard_facility(?, ?, 'hospital', 'Satara', '27', '27AAECS9876K1Z3', ?, 'Admin',
                           '{bcrypt}$2a$10$abcdefghijklmnopqrstuv', ?::jsonb, ?::jsonb)::text""",
                    "Property Hospital " + tag, "Property Hospital " + tag + " Private Limited", "admin-" + tag + "@prop.test",
                    terms, rates));
            s.as(SUPER_ADMIN, id);
            UUID patient = UUID.fromString(s.string("""
                    insert into patients (facility_id, registration_number, full_name)
                    values (?, 'P-PROP-1', 'Property Patient') returning id""", id));
            UUID clerkUser = UUID.randomUUID();
            s.asDefiner("insert into users (id, email, display_name, password_hash, role, facility_id) "
                    + "values (?, ?, 'Clerk', '!', 'staff', ?)", clerkUser, tag + "-clerk@prop.test", id);
            s.as(SUPER_ADMIN, id);
            s.execute("insert into staff (facility_id, user_id, kind, display_name) values (?, ?, 'billing', 'Clerk')",
                    id, clerkUser);
            Facility f = new Facility(id, patient, clerkUser, gatewayMdr, platformMdr, gst,
                    cashApplies ? (fixedFee ? null : cashRate) : BigDecimal.ZERO, cashApplies && fixedFee ? fixedPaise : 0,
                    gstOnCash ? gst : BigDecimal.ZERO);
            s.as(clerkUser, id);
            s.string("select app.open_shift(0)::text");
            facilities.add(f);
        }

        void step() throws SQLException {
            Facility f = facilities.get(random.nextInt(facilities.size()));
            int kind = random.nextInt(10);
            if (kind < 2 || f.openBills.isEmpty()) {
                issueBill(f);
            } else if (kind < 5) {
                capture(f);
            } else if (kind < 8) {
                collectCash(f);
            } else {
                gatewaySettlement();
            }
        }

        private void issueBill(Facility f) throws SQLException {
            long total = 100 + random.nextLong(2_000_000);
            s.as(SUPER_ADMIN, f.id);
            UUID service = UUID.fromString(s.string("""
                    insert into services (facility_id, code, name, category, price_paise, hsn_sac_code, gst_rate)
                    values (?, ?, 'Procedure', 'procedure', ?, '999312', 0) returning id""", f.id, "S" + (++counter), total));
            UUID bill = UUID.fromString(s.string("select app.create_bill(?, ?)::text", f.id, f.patient));
            s.string("select app.add_bill_service(?, ?, 1)::text", bill, service);
            s.string("select app.issue_bill(?)", bill);
            f.openBills.put(bill, new long[] {total, 0});
            f.bills.add(bill);
            count("bill");
        }

        private void capture(Facility f) throws SQLException {
            Map.Entry<UUID, long[]> bill = anyBill(f);
            long due = bill.getValue()[0] - bill.getValue()[1];
            // mostly within what is due; sometimes beyond it (the rest is the patient's advance)
            long amount = random.nextInt(6) == 0 ? due + 1 + random.nextLong(50_000) : 1 + random.nextLong(Math.max(1, due));
            s.as(SUPER_ADMIN, f.id);
            String paymentId = "pay_" + seed + "_" + (++counter);
            UUID payment = UUID.fromString(s.string("select app.capture_payment(?, 'razorpay', ?, ?, 'card', ?)::text",
                    bill.getKey(), "order_" + paymentId, paymentId, amount));
            long g = round(amount, f.gatewayMdr);
            long gg = round(g, f.gst);
            long p = round(amount, f.platformMdr);
            long pg = round(p, f.gst);
            assertThat(s.table("""
                    select gateway_fee_paise, gateway_gst_paise, platform_fee_paise, platform_gst_paise,
                           platform_commission_paise, net_settlement_paise, applied_paise, advance_paise
                    from payments where id = ?""", payment).getFirst())
                    .as("capture of %d at %s/%s, GST %s", amount, f.gatewayMdr, f.platformMdr, f.gst)
                    .containsExactly(str(g), str(gg), str(p), str(pg), str(p - g), str(amount - p - pg),
                            str(Math.min(amount, due)), str(Math.max(0, amount - due)));
            f.payable += amount - p - pg;
            f.clearing += amount - g - gg;
            f.unsettledPayments.add(payment);
            applyToBill(f, bill, Math.min(amount, due));
            count("capture");
        }

        private void collectCash(Facility f) throws SQLException {
            Map.Entry<UUID, long[]> bill = anyBill(f);
            long due = bill.getValue()[0] - bill.getValue()[1];
            long amount = 1 + random.nextLong(due);
            s.as(f.clerk, f.id);
            boolean first = !f.billsWithCash.contains(bill.getKey());
            UUID collection = UUID.fromString(s.string("select app.collect_cash(?, ?, ?)::text",
                    bill.getKey(), amount, "cash-" + seed + "-" + (++counter)));
            long c = f.cashRate == null ? (first ? f.fixedPaise : 0) : round(amount, f.cashRate);
            long cg = round(c, f.cashGst);
            assertThat(s.table("select commission_paise, commission_gst_paise from cash_collections where id = ?", collection)
                    .getFirst()).as("cash %d", amount).containsExactly(str(c), str(cg));
            f.receivable += c + cg;
            f.billsWithCash.add(bill.getKey());
            applyToBill(f, bill, amount);
            count("cash");
        }

        private void gatewaySettlement() throws SQLException {
            List<UUID> covered = new ArrayList<>();
            for (Facility f : facilities) {
                for (UUID payment : List.copyOf(f.unsettledPayments)) {
                    if (random.nextInt(3) > 0) {
                        covered.add(payment);
                        f.unsettledPayments.remove(payment);
                    }
                }
            }
            if (covered.isEmpty()) {
                return;
            }
            s.as(SUPER_ADMIN, null);
            long expected = Long.parseLong(s.string("""
                    select sum(amount_paise - gateway_fee_paise - gateway_gst_paise) from payments where id = any (?::uuid[])""",
                    (Object) covered.toArray(UUID[]::new)));
            s.string("select app.record_gateway_settlement('razorpay', ?, app.ist_today(), ?, ?::uuid[])::text",
                    "UTR" + seed + "X" + (++counter), expected, covered.toArray(UUID[]::new));
            for (Facility f : facilities) {
                long settled = Long.parseLong(s.string("""
                        select coalesce(sum(amount_paise - gateway_fee_paise - gateway_gst_paise), 0) from payments
                        where facility_id = ? and id = any (?::uuid[])""", f.id, covered.toArray(UUID[]::new)));
                f.clearing -= settled;
                f.bank += settled;
            }
            count("gateway settlement");
        }

        void checkInvariants() throws SQLException {
            s.as(SUPER_ADMIN, null);
            for (Facility f : facilities) {
                assertThat(s.string("select sum(balance_paise) from app.trial_balance(?)", f.id)).as("trial balance").isEqualTo("0");
                // the ledger against this test's own running figures
                assertThat(balance(f, "facility_payable")).as("facility_payable").isEqualTo(f.payable);
                assertThat(balance(f, "facility_receivable")).as("facility_receivable").isEqualTo(f.receivable);
                assertThat(balance(f, "gateway_clearing")).as("gateway_clearing").isEqualTo(f.clearing);
                assertThat(balance(f, "platform_bank")).as("platform_bank").isEqualTo(f.bank);
                // the three questions against the ledger
                assertThat(s.string("select receivable_paise from app.held_for_platform(?)", f.id)).isEqualTo(str(f.receivable));
                assertThat(s.string("select cash_paise from app.commission_pending(?)", f.id)).isEqualTo(str(f.receivable));
                assertThat(s.string("select open_net_paise from app.pending_since_last_settlement(?)", f.id))
                        .isEqualTo(str(f.payable - f.receivable));
                // bills: paid never beyond the total, and as this test counted
                for (UUID bill : f.bills) {
                    long[] expected = f.billTotals(bill);
                    assertThat(s.table("select total_paise, paid_paise from bills where id = ?", bill).getFirst())
                            .containsExactly(str(expected[0]), str(expected[1]));
                }
            }
            assertThat(s.count("""
                    select count(*) from payments where allocated_paise + refund_payable_paise > net_settlement_paise
                       or (settled_paise > 0 and gateway_settlement_id is null)""")).as("over-allocated or paid before the gateway").isZero();
            assertThat(s.count("""
                    select count(*) from cash_collections
                    where allocated_paise + receivable_reversed_paise > commission_paise + commission_gst_paise""")).isZero();
        }

        private long balance(Facility f, String account) throws SQLException {
            return Long.parseLong(s.string("select app.account_balance(?, ?::ledger_account)", f.id, account));
        }

        private Map.Entry<UUID, long[]> anyBill(Facility f) {
            List<Map.Entry<UUID, long[]>> open = new ArrayList<>(f.openBills.entrySet());
            return open.get(random.nextInt(open.size()));
        }

        private void applyToBill(Facility f, Map.Entry<UUID, long[]> bill, long applied) {
            bill.getValue()[1] += applied;
            f.paid.merge(bill.getKey(), applied, Long::sum);
            if (bill.getValue()[1] == bill.getValue()[0]) {
                f.openBills.remove(bill.getKey());
            }
        }

        private BigDecimal pick(String... values) {
            return new BigDecimal(values[random.nextInt(values.length)]);
        }

        private void count(String event) {
            events.merge(event, 1, Integer::sum);
        }
    }

    static final class Facility {
        final UUID id;
        final UUID patient;
        final UUID clerk;
        final BigDecimal gatewayMdr;
        final BigDecimal platformMdr;
        final BigDecimal gst;
        /** Null for a fixed fee per bill. */
        final BigDecimal cashRate;
        final long fixedPaise;
        final BigDecimal cashGst;
        final Map<UUID, long[]> openBills = new LinkedHashMap<>();
        final List<UUID> bills = new ArrayList<>();
        final Map<UUID, Long> paid = new LinkedHashMap<>();
        final List<UUID> billsWithCash = new ArrayList<>();
        final List<UUID> unsettledPayments = new ArrayList<>();
        long payable;
        long receivable;
        long clearing;
        long bank;

        Facility(UUID id, UUID patient, UUID clerk, BigDecimal gatewayMdr, BigDecimal platformMdr, BigDecimal gst,
                 BigDecimal cashRate, long fixedPaise, BigDecimal cashGst) {
            this.id = id;
            this.patient = patient;
            this.clerk = clerk;
            this.gatewayMdr = gatewayMdr;
            this.platformMdr = platformMdr;
            this.gst = gst;
            this.cashRate = cashRate;
            this.fixedPaise = fixedPaise;
            this.cashGst = cashGst;
        }

        long[] billTotals(UUID bill) {
            long[] open = openBills.get(bill);
            return open != null ? open.clone() : new long[] {paid.getOrDefault(bill, 0L), paid.getOrDefault(bill, 0L)};
        }
    }

    /** round_half_up(amount × rate) to the paisa, as MONEY.md says: once, exactly. */
    static long round(long amount, BigDecimal rate) {
        return BigDecimal.valueOf(amount).multiply(rate).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    static String str(long value) {
        return Long.toString(value);
    }
}
