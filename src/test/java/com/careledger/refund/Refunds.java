package com.careledger.refund;

import static com.careledger.payment.OnlinePayments.SUPER_ADMIN;

import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

import com.careledger.test.AppSession;

/**
 * Refund fixtures (V0062, V0063): a facility that says who bears the gateway fee on refunds, the refund calls, and the
 * lines of a refund's entry. Bills, captures, clerks and collections come from {@code OnlinePayments} and
 * {@code CashCounter}.
 */
final class Refunds {

    private static final String CONFIGURATION = """
            {"gst_rate": 0.18, "cash_commission_applies": false, "cash_commission_type": "percentage",
             "gst_on_cash_commission": true, "refund_gateway_fee_bearer": "%s", "tds_rate": 0,
             "settlement_cycle": "weekly", "minimum_payout_paise": 0, "netting_allowed": true}""";
    private static final String RATES = """
            [{"method": "card", "gateway_mdr": %s, "platform_mdr": %s},
             {"method": "upi", "gateway_mdr": 0, "platform_mdr": 0},
             {"method": "rupay_debit", "gateway_mdr": 0, "platform_mdr": 0},
             {"method": "netbanking", "gateway_mdr": 0.015, "platform_mdr": 0.017},
             {"method": "wallet", "gateway_mdr": 0.018, "platform_mdr": 0.02}]""";

    private Refunds() {
    }

    /**
     * A new facility whose card payments cost the given MDRs at 18 % GST, and whose refunds' unreturned gateway fee
     * is borne by {@code bearer} ("platform" or "facility"); the session is left as the super admin in it.
     */
    static UUID facility(AppSession s, String tag, String cardGatewayMdr, String cardPlatformMdr, String bearer)
            throws SQLException {
        s.as(SUPER_ADMIN, null);
        UUID facility = UUID.fromString(s.string("""
                select app.onboard_facility(?, ?, 'hospital', 'Satara', '27', '27AAECS9876K1Z3', ?, 'Admin',
                       '{bcrypt}$2a$10$abcdefghijklmnopqrstuv', ?::jsonb, ?::jsonb)::text""",
                "Refund Hospital " + tag, "Refund Hospital " + tag + " Private Limited", "admin-" + tag + "@refunds.test",
                CONFIGURATION.formatted(bearer), RATES.formatted(cardGatewayMdr, cardPlatformMdr)));
        s.as(SUPER_ADMIN, facility);
        return facility;
    }

    static UUID refund(AppSession s, UUID payment, String refundId, long amountPaise) throws SQLException {
        return UUID.fromString(s.string("select app.refund_payment(?, ?, ?, 'patient asked')::text",
                payment, refundId, amountPaise));
    }

    static UUID refundCash(AppSession s, UUID collection, long amountPaise, String key) throws SQLException {
        return UUID.fromString(s.string("select app.refund_cash(?, ?, 'patient asked', ?)::text",
                collection, amountPaise, key));
    }

    /** The lines of an online refund's entry as "D account amount" / "C account amount", in line order. */
    static List<String> refundLines(AppSession s, UUID refund) throws SQLException {
        return lines(s, "payment_refunds", refund);
    }

    /** The lines of a cash refund's entry, in line order (none when nothing was reversed). */
    static List<String> cashRefundLines(AppSession s, UUID refund) throws SQLException {
        return lines(s, "cash_refunds", refund);
    }

    private static List<String> lines(AppSession s, String table, UUID refund) throws SQLException {
        return s.strings("""
                select case when l.debit_paise > 0 then 'D ' else 'C ' end || l.account
                       || coalesce('[' || l.gateway || ']', '') || ' ' || (l.debit_paise + l.credit_paise)
                from journal_lines l join %s r on r.journal_entry_id = l.entry_id
                where r.id = ? order by l.line_no""".formatted(table), refund);
    }

    /** A call that must fail, as "SQLSTATE message". */
    static String refused(AppSession s, String sql, Object... params) throws SQLException {
        SQLException e = s.sqlFailure(sql, params);
        return e.getSQLState() + " " + e.getMessage();
    }

    static long balance(AppSession s, UUID facility, String account) throws SQLException {
        return Long.parseLong(s.string("select app.account_balance(?, ?::ledger_account)", facility, account));
    }

    static String trialBalance(AppSession s, UUID facility) throws SQLException {
        return s.string("select sum(balance_paise) from app.trial_balance(?)", facility);
    }
}
