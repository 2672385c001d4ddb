package com.careledger.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.stream.LongStream;

import com.careledger.test.AppSession;
import com.careledger.test.TestFacilities;
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
    static final UUID PAYMENT_WEBHOOK = UUID.fromString("00000000-0000-4000-8000-000000000003");
    static final int FACILITIES = 3;
    static final int STEPS = 60;
    /** What the sequences of all seeds did, for {@link #theSeedsTogetherTakeEveryPathOfARefund()}. */
    static final Map<String, Integer> ALL_SEEDS = new java.util.concurrent.ConcurrentHashMap<>();

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
            assertThat(world.events).as("the sequence did something of each kind").containsKeys("capture", "cash", "online refund", "cash refund", "settlement paid");
            world.events.forEach((event, n) -> ALL_SEEDS.merge(event, n, Integer::sum));
        }
    }

    /** The facilities, their open bills and this test's own figures. */
    /**
     * Together, the seeds refund after payout both ways: from the facility's other payable items, and beyond them as
     * a recovery (not every seed does both).
     */
    @org.junit.jupiter.api.AfterAll
    static void theSeedsTogetherTakeEveryPathOfARefund() {
        assertThat(ALL_SEEDS).as("what the seeds did together")
                .containsKeys("online refund drawing on other items", "online refund with a recovery");
    }

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
            boolean facilityBears = random.nextBoolean();
            BigDecimal tdsRate = pick("0", "0.01", "0.02");
            boolean netting = random.nextInt(4) > 0;
            String terms = """
                    {"gst_rate": %s, "cash_commission_applies": %s, "cash_commission_type": "%s", %s,
                     "gst_on_cash_commission": %s, "refund_gateway_fee_bearer": "%s", "tds_rate": %s,
                     "settlement_cycle": "weekly", "minimum_payout_paise": 0, "netting_allowed": %s}"""
                    .formatted(gst, cashApplies, fixedFee ? "fixed_per_bill" : "percentage",
                            fixedFee ? "\"cash_commission_fixed_paise\": " + fixedPaise : "\"cash_commission_rate\": " + cashRate,
                            gstOnCash, facilityBears ? "facility" : "platform", tdsRate, netting);
            UUID id = TestFacilities.onboard(s, "Property Hospital " + tag, "hospital", "admin-" + tag + "@prop.test", terms,
                    TestFacilities.rates(gatewayMdr.toPlainString(), platformMdr.toPlainString()));
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
                    gstOnCash ? gst : BigDecimal.ZERO, facilityBears, netting, tdsRate);
            s.as(clerkUser, id);
            s.string("select app.open_shift(0)::text");
            facilities.add(f);
        }

        void step() throws SQLException {
            Facility f = facilities.get(random.nextInt(facilities.size()));
            int kind = random.nextInt(16);
            if (kind < 2 || f.openBills().isEmpty() && kind < 10) {
                issueBill(f);
            } else if (kind < 5) {
                capture(f);
            } else if (kind < 8) {
                collectCash(f);
            } else if (kind < 10) {
                gatewaySettlement();
            } else if (kind < 12) {
                refundPayment(f);
            } else if (kind < 14) {
                refundCash(f);
            } else {
                settle(f);
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
            f.bills.put(bill, new Bill(total));
            count("bill");
        }

        /**
         * Posting 1 of docs/ledger.md by this test's arithmetic. The super admin creates an order within what the bill
         * has due, and now and then a second one before the first is paid (a patient who pays twice); the gateway's
         * captures of them, recorded as the payment webhook, pay what is due and make the rest the patient's advance.
         */
        private void capture(Facility f) throws SQLException {
            UUID billId = any(f.openBills());
            Bill bill = f.bills.get(billId);
            long due = bill.total - bill.paid;
            int orders = random.nextInt(6) == 0 ? 2 : 1;
            List<String> paymentIds = new ArrayList<>();
            List<Long> amounts = new ArrayList<>();
            s.as(SUPER_ADMIN, f.id);
            for (int k = 0; k < orders; k++) {
                String paymentId = "pay_" + seed + "_" + (++counter);
                long amount = 1 + random.nextLong(due);
                s.string("select app.create_payment_order(?, 'razorpay', ?, ?)::text", billId, "order_" + paymentId, amount);
                paymentIds.add(paymentId);
                amounts.add(amount);
            }
            s.as(PAYMENT_WEBHOOK, f.id);
            for (int k = 0; k < orders; k++) {
                captureOrder(f, billId, paymentIds.get(k), amounts.get(k));
            }
        }

        private void captureOrder(Facility f, UUID billId, String paymentId, long amount) throws SQLException {
            Bill bill = f.bills.get(billId);
            long due = bill.total - bill.paid;
            UUID id = UUID.fromString(s.string("select app.capture_payment(?, 'razorpay', ?, ?, 'card', ?)::text",
                    billId, "order_" + paymentId, paymentId, amount));
            Payment p = new Payment(billId, amount, round(amount, f.gatewayMdr), round(amount, f.platformMdr), f.gst,
                    Math.max(0, amount - due));
            assertThat(s.table("""
                    select gateway_fee_paise, gateway_gst_paise, platform_fee_paise, platform_gst_paise,
                           platform_commission_paise, net_settlement_paise, applied_paise, advance_paise
                    from payments where id = ?""", id).getFirst())
                    .as("capture of %d at %s/%s, GST %s", amount, f.gatewayMdr, f.platformMdr, f.gst)
                    .containsExactly(str(p.g), str(p.gg), str(p.p), str(p.pg), str(p.p - p.g), str(p.n),
                            str(amount - p.advance), str(p.advance));
            f.payments.put(id, p);
            f.payable += p.n;
            f.clearing += amount - p.g - p.gg;
            bill.paid += amount - p.advance;
            count("capture");
        }

        private void collectCash(Facility f) throws SQLException {
            UUID billId = any(f.openBills());
            Bill bill = f.bills.get(billId);
            long amount = 1 + random.nextLong(bill.total - bill.paid);
            s.as(f.clerk, f.id);
            UUID id = UUID.fromString(s.string("select app.collect_cash(?, ?, ?)::text",
                    billId, amount, "cash-" + seed + "-" + (++counter)));
            boolean first = !bill.hadCash;
            long c = f.cashRate == null ? (first ? f.fixedPaise : 0) : round(amount, f.cashRate);
            Collection col = new Collection(billId, amount, c, round(c, f.cashGst));
            assertThat(s.table("select commission_paise, commission_gst_paise from cash_collections where id = ?", id)
                    .getFirst()).as("cash %d", amount).containsExactly(str(col.c), str(col.cg));
            f.collections.put(id, col);
            if (f.cashRate == null && first && c > 0) {
                bill.feeCarrier = id;
            }
            bill.hadCash = true;
            bill.paid += amount;
            f.receivable += col.c + col.cg;
            count("cash");
        }

        /**
         * Posting 5 of docs/ledger.md by this test's arithmetic: the cumulative rule, advance first, the cost from the
         * payment's own open amount, then from the facility's other payable items (payments, then cash refunds owed
         * to it, each by id), only the rest a recovery. No draft outlives its step here, so nothing open is in one.
         */
        private void refundPayment(Facility f) throws SQLException {
            List<UUID> refundable = f.payments.entrySet().stream().filter(e -> e.getValue().refunded < e.getValue().amount)
                    .map(Map.Entry::getKey).toList();
            if (refundable.isEmpty()) {
                return;
            }
            UUID id = any(refundable);
            Payment p = f.payments.get(id);
            long r = 1 + random.nextLong(p.amount - p.refunded);
            s.as(PAYMENT_WEBHOOK, f.id);
            UUID refund = UUID.fromString(s.string("select app.refund_payment(?, ?, ?, 'patient asked')::text",
                    id, "rfnd_" + seed + "_" + (++counter), r));
            long total = p.refunded + r;
            long pr = cumulative(p.p, total, p.amount) - p.pRev;
            long pgr = cumulative(p.pg, total, p.amount) - p.pgRev;
            long gr = f.facilityBearsFee ? cumulative(p.g, total, p.amount) - p.gRec : 0;
            long ggr = f.facilityBearsFee ? cumulative(p.gg, total, p.amount) - p.ggRec : 0;
            long cost = r - pr - pgr + gr + ggr;
            long toPayable = Math.min(cost, Math.max(p.open(), 0));
            long left = cost - toPayable;
            long drawn = 0;
            for (Map.Entry<UUID, Payment> e : byId(f.payments)) {
                long take = e.getKey().equals(id) ? 0 : Math.min(left, e.getValue().open());
                if (take > 0) {
                    e.getValue().drawn += take;
                    left -= take;
                    drawn += take;
                }
            }
            for (Map.Entry<UUID, long[]> e : byId(f.cashRefundsOwed)) {
                long[] o = e.getValue();
                long take = Math.min(left, o[0] - o[1] - o[2]);
                if (take > 0) {
                    o[2] += take;
                    left -= take;
                    drawn += take;
                }
            }
            long advance = Math.min(r, p.advance - p.advanceRefunded);
            assertThat(s.table("""
                    select platform_fee_reversed_paise, platform_gst_reversed_paise, gateway_fee_recovered_paise,
                           gateway_gst_recovered_paise, payable_paise, drawn_paise, recovery_paise, advance_paise
                    from payment_refunds where id = ?""", refund).getFirst())
                    .as("refund %d of %d (%d before)", r, p.amount, p.refunded)
                    .containsExactly(str(pr), str(pgr), str(gr), str(ggr), str(toPayable), str(drawn), str(left),
                            str(advance));
            p.refunded = total;
            p.pRev += pr;
            p.pgRev += pgr;
            p.gRec += gr;
            p.ggRec += ggr;
            p.refundPayable += toPayable;
            p.advanceRefunded += advance;
            f.payable -= toPayable + drawn;
            f.receivable += left;
            f.clearing -= r;
            f.unsettledRefunds.put(refund, r);
            if (left > 0) {
                f.recoveries.put(refund, new long[] {left, 0});
            }
            f.bills.get(p.bill).paid -= r - advance;
            count("online refund");
            if (drawn > 0) {
                count("online refund drawing on other items");
            }
            if (left > 0) {
                count("online refund with a recovery");
            }
        }

        /**
         * Posting 6 of docs/ledger.md by this test's arithmetic: the cumulative rule, or the fixed fee when nothing
         * stays paid.
         */
        private void refundCash(Facility f) throws SQLException {
            List<UUID> refundable = f.collections.entrySet().stream()
                    .filter(e -> e.getValue().refunded < e.getValue().amount).map(Map.Entry::getKey).toList();
            if (refundable.isEmpty()) {
                return;
            }
            UUID id = any(refundable);
            Collection col = f.collections.get(id);
            Bill bill = f.bills.get(col.bill);
            long r = 1 + random.nextLong(col.amount - col.refunded);
            s.as(f.clerk, f.id);
            UUID refund = UUID.fromString(s.string("select app.refund_cash(?, ?, 'patient asked', ?)::text",
                    id, r, "cash-refund-" + seed + "-" + (++counter)));
            long total = col.refunded + r;
            long cr = 0;
            long cgr = 0;
            Collection carrier = col;
            if (f.cashRate != null) {
                cr = cumulative(col.c, total, col.amount) - col.cRev;
                cgr = cumulative(col.cg, total, col.amount) - col.cgRev;
            } else if (bill.paid - r == 0 && bill.feeCarrier != null) {
                carrier = f.collections.get(bill.feeCarrier);
                cr = carrier.c - carrier.cRev;
                cgr = carrier.cg - carrier.cgRev;
            }
            long toReceivable = Math.min(cr + cgr, carrier.open());
            assertThat(s.table("""
                    select commission_reversed_paise, commission_gst_reversed_paise, receivable_paise, payable_paise
                    from cash_refunds where id = ?""", refund).getFirst())
                    .as("cash refund %d of %d (%d before)", r, col.amount, col.refunded)
                    .containsExactly(str(cr), str(cgr), str(toReceivable), str(cr + cgr - toReceivable));
            col.refunded = total;
            carrier.cRev += cr;
            carrier.cgRev += cgr;
            carrier.receivableReversed += toReceivable;
            bill.paid -= r;
            f.receivable -= toReceivable;
            f.payable += cr + cgr - toReceivable;
            if (cr + cgr > toReceivable) {
                f.cashRefundsOwed.put(refund, new long[] {cr + cgr - toReceivable, 0, 0});
            }
            count("cash refund");
        }

        /**
         * Posting 4 of docs/ledger.md by this test's arithmetic: a draft filled with every open item of its type's
         * sides, then submitted, approved and paid (or cancelled, which changes nothing).
         */
        private void settle(Facility f) throws SQLException {
            String type = f.netting ? List.of("online_pg", "cash_commission", "mixed").get(random.nextInt(3))
                    : List.of("online_pg", "cash_commission").get(random.nextInt(2));
            boolean payable = !type.equals("cash_commission");
            boolean receivable = !type.equals("online_pg");
            long x = 0;
            long y = 0;
            long commission = 0;
            if (payable) {
                x += f.payments.values().stream().filter(p -> p.gatewaySettled).mapToLong(Payment::open).sum();
                x += f.cashRefundsOwed.values().stream().mapToLong(o -> o[0] - o[1] - o[2]).sum();
            }
            if (receivable) {
                for (Collection c : f.collections.values()) {
                    y += c.open();
                    commission += c.c + c.cg == 0 ? 0 : BigDecimal.valueOf(c.open()).multiply(BigDecimal.valueOf(c.c))
                            .divide(BigDecimal.valueOf(c.c + c.cg), 0, RoundingMode.HALF_UP).longValueExact();
                }
                y += f.recoveries.values().stream().mapToLong(o -> o[0] - o[1]).sum();
            }
            if (x == 0 && y == 0) {
                return;
            }
            long tds = y > x ? BigDecimal.valueOf(commission).multiply(f.tdsRate).multiply(BigDecimal.valueOf(y - x))
                    .divide(BigDecimal.valueOf(y), 0, RoundingMode.HALF_UP).longValueExact() : 0;
            s.as(SUPER_ADMIN, null);
            String settlement = s.string("select app.create_settlement(?, ?::settlement_type, app.ist_today(), app.ist_today())::text",
                    f.id, type);
            assertThat(s.table("""
                    select hospital_share_paise, platform_share_paise, net_amount_paise, tds_deducted_paise
                    from settlements where id = ?::uuid""", settlement).getFirst())
                    .as("%s settlement", type).containsExactly(str(x), str(y), str(Math.abs(x - y)), str(tds));
            s.execute("select app.submit_settlement(?::uuid)", settlement);
            if (random.nextInt(4) == 0) {
                s.execute("select app.cancel_settlement(?::uuid, 'changed our mind')", settlement);
                count("settlement cancelled");
                return;
            }
            s.execute("select app.approve_settlement(?::uuid)", settlement);
            s.string("select app.pay_settlement(?::uuid, ?)::text", settlement, "UTRS" + seed + "X" + (++counter));
            if (payable) {
                f.payments.values().stream().filter(p -> p.gatewaySettled).forEach(p -> p.allocated += p.open());
                f.cashRefundsOwed.values().forEach(o -> o[1] = o[0] - o[2]);
            }
            if (receivable) {
                f.collections.values().forEach(c -> c.allocated += c.open());
                f.recoveries.values().forEach(o -> o[1] = o[0]);
            }
            f.payable -= x;
            f.receivable -= y;
            f.bank += y - x - tds;
            f.tds += tds;
            count("settlement paid");
        }

        private void gatewaySettlement() throws SQLException {
            List<UUID> payments = new ArrayList<>();
            List<UUID> refunds = new ArrayList<>();
            long expected = 0;
            for (Facility f : facilities) {
                long part = 0;
                for (Map.Entry<UUID, Payment> e : f.payments.entrySet()) {
                    if (!e.getValue().gatewaySettled && random.nextInt(3) > 0) {
                        Payment p = e.getValue();
                        p.gatewaySettled = true;
                        payments.add(e.getKey());
                        part += p.amount - p.g - p.gg;
                    }
                }
                for (Map.Entry<UUID, Long> e : List.copyOf(f.unsettledRefunds.entrySet())) {
                    if (random.nextInt(3) > 0) {
                        refunds.add(e.getKey());
                        part -= e.getValue();
                        f.unsettledRefunds.remove(e.getKey());
                    }
                }
                f.clearing -= part;
                f.bank += part;
                expected += part;
            }
            if (payments.isEmpty() && refunds.isEmpty()) {
                return;
            }
            s.as(SUPER_ADMIN, null);
            String batch = s.string("select app.record_gateway_settlement('razorpay', ?, app.ist_today(), ?, ?::uuid[], ?::uuid[])::text",
                    "UTR" + seed + "X" + (++counter), Math.max(0, expected), payments.toArray(UUID[]::new),
                    refunds.toArray(UUID[]::new));
            assertThat(s.string("select expected_paise from gateway_settlements where id = ?::uuid", batch)).isEqualTo(str(expected));
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
                assertThat(balance(f, "tds_receivable")).as("tds_receivable").isEqualTo(f.tds);
                // the three questions against the ledger
                assertThat(s.string("select receivable_paise from app.held_for_platform(?)", f.id)).isEqualTo(str(f.receivable));
                assertThat(s.string("select cash_paise from app.commission_pending(?)", f.id)).isEqualTo(str(f.receivable));
                assertThat(s.string("select open_net_paise from app.pending_since_last_settlement(?)", f.id))
                        .isEqualTo(str(f.payable - f.receivable));
                long margin = f.payments.values().stream().filter(p -> !p.gatewaySettled)
                        .mapToLong(p -> p.p - p.pRev - p.g).sum();
                assertThat(s.string("select online_margin_paise from app.commission_pending(?)", f.id))
                        .as("online margin still in clearing").isEqualTo(str(margin));
                assertThat(s.count("select count(*) from app.reconciliation(?) where difference_paise <> 0", f.id))
                        .as("reconciliation differences").isZero();
                // bills: paid as this test counted
                for (Map.Entry<UUID, Bill> bill : f.bills.entrySet()) {
                    assertThat(s.table("select total_paise, paid_paise from bills where id = ?", bill.getKey()).getFirst())
                            .containsExactly(str(bill.getValue().total), str(bill.getValue().paid));
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

        private <T> T any(List<T> items) {
            return items.get(random.nextInt(items.size()));
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
        final boolean facilityBearsFee;
        final Map<UUID, Bill> bills = new LinkedHashMap<>();
        final Map<UUID, Payment> payments = new LinkedHashMap<>();
        final Map<UUID, Collection> collections = new LinkedHashMap<>();
        final Map<UUID, Long> unsettledRefunds = new LinkedHashMap<>();
        /**
         * Online refunds' recoveries: {amount, allocated}; cash refunds' commission owed back: {amount, allocated,
         * drawn by online refunds}.
         */
        final Map<UUID, long[]> recoveries = new LinkedHashMap<>();
        final Map<UUID, long[]> cashRefundsOwed = new LinkedHashMap<>();
        final boolean netting;
        final BigDecimal tdsRate;
        long tds;
        long payable;
        long receivable;
        long clearing;
        long bank;

        Facility(UUID id, UUID patient, UUID clerk, BigDecimal gatewayMdr, BigDecimal platformMdr, BigDecimal gst,
                 BigDecimal cashRate, long fixedPaise, BigDecimal cashGst, boolean facilityBearsFee, boolean netting,
                 BigDecimal tdsRate) {
            this.id = id;
            this.patient = patient;
            this.clerk = clerk;
            this.gatewayMdr = gatewayMdr;
            this.platformMdr = platformMdr;
            this.gst = gst;
            this.cashRate = cashRate;
            this.fixedPaise = fixedPaise;
            this.cashGst = cashGst;
            this.facilityBearsFee = facilityBearsFee;
            this.netting = netting;
            this.tdsRate = tdsRate;
        }

        List<UUID> openBills() {
            return bills.entrySet().stream().filter(e -> e.getValue().paid < e.getValue().total).map(Map.Entry::getKey).toList();
        }
    }

    static final class Bill {
        final long total;
        long paid;
        boolean hadCash;
        UUID feeCarrier;

        Bill(long total) {
            this.total = total;
        }
    }

    static final class Payment {
        final UUID bill;
        final long amount;
        final long g;
        final long gg;
        final long p;
        final long pg;
        final long n;
        final long advance;
        long refunded;
        long advanceRefunded;
        long pRev;
        long pgRev;
        long gRec;
        long ggRec;
        long refundPayable;
        long drawn;
        long allocated;
        boolean gatewaySettled;

        Payment(UUID bill, long amount, long g, long p, BigDecimal gst, long advance) {
            this.bill = bill;
            this.amount = amount;
            this.g = g;
            this.gg = round(g, gst);
            this.p = p;
            this.pg = round(p, gst);
            this.n = amount - p - pg;
            this.advance = advance;
        }

        long open() {
            return n - refundPayable - drawn - allocated;
        }
    }

    static final class Collection {
        final UUID bill;
        final long amount;
        final long c;
        final long cg;
        long refunded;
        long cRev;
        long cgRev;
        long receivableReversed;
        long allocated;

        Collection(UUID bill, long amount, long c, long cg) {
            this.bill = bill;
            this.amount = amount;
            this.c = c;
            this.cg = cg;
        }

        long open() {
            return c + cg - receivableReversed - allocated;
        }
    }

    /** A map's entries in the database's order of their ids (uuid order is the order of the lowercase text). */
    static <V> List<Map.Entry<UUID, V>> byId(Map<UUID, V> map) {
        return map.entrySet().stream().sorted(Map.Entry.comparingByKey(
                Comparator.comparing(UUID::toString))).toList();
    }

    /** The cumulative rule: round(total × refunded so far / amount), half up. */
    static long cumulative(long total, long refundedSoFar, long amount) {
        return BigDecimal.valueOf(total).multiply(BigDecimal.valueOf(refundedSoFar))
                .divide(BigDecimal.valueOf(amount), 0, RoundingMode.HALF_UP).longValueExact();
    }

    /**
     * round_half_up(amount × rate) to the paisa, as docs/ledger.md ("Units, time and rounding") says: once, exactly.
     */
    static long round(long amount, BigDecimal rate) {
        return BigDecimal.valueOf(amount).multiply(rate).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    static String str(long value) {
        return Long.toString(value);
    }
}
