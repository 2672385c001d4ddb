package com.careledger.refund;


import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

import com.careledger.payment.OnlinePayments;
import com.careledger.test.AppSession;
import com.careledger.test.TestFacilities;

/**
 * Refund fixtures: a facility that says who bears the gateway fee on refunds, the refund calls (app.refund_payment as
 * the payment webhook, app.refund_cash), and the lines of a refund's entry. Bills, captures, clerks and collections come from
 * {@code OnlinePayments} and {@code CashCounter}.
 */
final class Refunds {

    private Refunds() {
    }

    /**
     * A new facility whose card payments cost the given MDRs at 18 % GST, and whose refunds' unreturned gateway fee
     * is borne by {@code bearer} ("platform" or "facility"); the session is left as the super admin in it.
     */
    static UUID facility(AppSession s, String tag, String cardGatewayMdr, String cardPlatformMdr, String bearer)
            throws SQLException {
        return TestFacilities.onboard(s, "Refund Hospital " + tag, "hospital", "admin-" + tag + "@refunds.test",
                "{\"refund_gateway_fee_bearer\": \"" + bearer + "\"}", TestFacilities.rates(cardGatewayMdr, cardPlatformMdr));
    }

    /** A refund the gateway reports, recorded as the payment webhook in the session's facility (only it records refunds). */
    static UUID refund(AppSession s, UUID payment, String refundId, long amountPaise) throws SQLException {
        return OnlinePayments.asWebhook(s, () -> UUID.fromString(s.string(
                "select app.refund_payment(?, ?, ?, 'patient asked')::text", payment, refundId, amountPaise)));
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
