package com.careledger.settlement;

import static com.careledger.payment.OnlinePayments.SUPER_ADMIN;

import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

import com.careledger.test.AppSession;
import com.careledger.test.TestFacilities;

/**
 * A facility with the rates of the worked examples of docs/ledger.md (card: gateway 1.10 %, platform 1.20 %, GST 18 %;
 * cash: 2 % + 18 % GST) and the settlement rules a test needs, its clerk, online payments made gateway-settled, cash
 * collections, and the lines of a settlement's entry. Everything happens inside the test's rolled-back transaction;
 * sessions come from {@link AppSession#openWithDefinerAccess()} (a clerk's sign-in is a row only definer functions
 * write).
 */
final class SettlementFixtures {

    /** 2 % of each cash collection, 18 % GST on it; the rules as the test asks. */
    private static final String TERMS = """
            {"cash_commission_applies": true, "cash_commission_type": "percentage", "cash_commission_rate": 0.02,
             "tds_rate": %s, "settlement_cycle": "%s", "minimum_payout_paise": %d, "netting_allowed": %s}""";

    /** A facility's settlement rules. */
    record Rules(String tdsRate, String cycle, long minimumPayoutPaise, boolean nettingAllowed) {
        static final Rules DEFAULT = new Rules("0", "weekly", 0, true);
    }

    private SettlementFixtures() {
    }

    /** A new facility with the given rules; the session is left as the super admin in it. */
    static UUID facility(AppSession s, String tag, Rules rules) throws SQLException {
        return TestFacilities.onboard(s, "Settling Hospital " + tag, "hospital", "admin-" + tag + "@settlements.test",
                TERMS.formatted(rules.tdsRate(), rules.cycle(), rules.minimumPayoutPaise(), rules.nettingAllowed()),
                TestFacilities.rates());
    }

    /** The facility's admin (made by onboarding). */
    static UUID admin(AppSession s, UUID facility) throws SQLException {
        return UUID.fromString(s.string("select id from users where facility_id = ? and role = 'facility_admin'", facility));
    }

    /** A billing clerk with a sign-in at the facility; returns the user id (session left as the super admin in it). */
    static UUID clerk(AppSession s, UUID facility, String tag) throws SQLException {
        UUID user = UUID.randomUUID();
        s.asDefiner("insert into users (id, email, display_name, password_hash, role, facility_id) "
                + "values (?, ?, ?, '!', 'staff', ?)", user, tag + "-" + user + "@settlements.test", "Clerk " + tag, facility);
        s.as(SUPER_ADMIN, facility);
        s.execute("insert into staff (facility_id, user_id, kind, display_name) values (?, ?, 'billing'::staff_kind, ?)",
                facility, user, "Clerk " + tag);
        return user;
    }

    /** Cash collections of the given amounts on one issued bill of their total, by the clerk in a new shift. */
    static List<UUID> collect(AppSession s, UUID facility, UUID clerk, long... amounts) throws SQLException {
        long total = 0;
        for (long amount : amounts) {
            total += amount;
        }
        UUID bill = com.careledger.payment.OnlinePayments.issuedBill(s, facility, total);
        s.as(clerk, facility);
        if (s.count("select count(*) from cashier_shifts where staff_id = (select id from staff where user_id = ?)"
                + " and status = 'open'", clerk) == 0) {
            s.string("select app.open_shift(0)::text");
        }
        List<UUID> collections = new java.util.ArrayList<>();
        for (long amount : amounts) {
            collections.add(UUID.fromString(s.string("select app.collect_cash(?, ?, ?)::text",
                    bill, amount, "cash-" + UUID.randomUUID())));
        }
        s.as(SUPER_ADMIN, facility);
        return collections;
    }

    /** A captured card payment of a new bill of that amount (not gateway-settled). */
    static UUID cardPayment(AppSession s, UUID facility, long amountPaise) throws SQLException {
        UUID bill = com.careledger.payment.OnlinePayments.issuedBill(s, facility, amountPaise);
        return com.careledger.payment.OnlinePayments.capture(s, bill, "pay_" + UUID.randomUUID().toString().substring(0, 18),
                "card", amountPaise);
    }

    /**
     * Records one razorpay batch covering the payments, stating exactly what they put into gateway_clearing
     * ({@code app.record_gateway_settlement}, posting 2 of docs/ledger.md); the session stays the super admin in the
     * facility.
     */
    static UUID gatewaySettle(AppSession s, UUID facility, UUID... payments) throws SQLException {
        String ids = array(List.of(payments));
        long stated = Long.parseLong(s.string(
                "select sum(amount_paise - gateway_fee_paise - gateway_gst_paise) from payments where id = any (?::uuid[])", ids));
        UUID batch = UUID.fromString(s.string(
                "select app.record_gateway_settlement('razorpay', ?, ?, ?, ?::uuid[])::text",
                "UTR" + UUID.randomUUID().toString().replace("-", "").substring(0, 16), s.istToday(), stated, ids));
        s.as(SUPER_ADMIN, facility);
        return batch;
    }

    /** The lines of a settlement's entry as "D account amount" / "C account amount", in line order. */
    static List<String> journalLines(AppSession s, UUID settlement) throws SQLException {
        return s.strings("""
                select case when l.debit_paise > 0 then 'D ' else 'C ' end || l.account || ' ' || (l.debit_paise + l.credit_paise)
                from journal_lines l join settlements st on st.journal_entry_id = l.entry_id
                where st.id = ? order by l.line_no""", settlement);
    }

    /** A uuid[] literal for a {@code ?::uuid[]} parameter. */
    static String array(List<UUID> ids) {
        return "{" + String.join(",", ids.stream().map(UUID::toString).toList()) + "}";
    }

    /** A settlement's status and the columns that go with it. */
    static String status(AppSession s, UUID settlement) throws SQLException {
        return s.string("select settlement_status from settlements where id = ?", settlement);
    }
}
