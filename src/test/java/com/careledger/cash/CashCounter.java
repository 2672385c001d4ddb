package com.careledger.cash;

import static com.careledger.payment.OnlinePayments.SUPER_ADMIN;

import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

import com.careledger.test.AppSession;
import com.careledger.test.TestFacilities;

/**
 * Facilities with the cash commission terms a test needs and their clerks, made inside the test's rolled-back
 * transaction, and collections (app.collect_cash). Sessions come from {@link AppSession#openWithDefinerAccess()}: a
 * clerk's sign-in is a row only definer functions write.
 */
public final class CashCounter {

    /** 2 % of each collection, 18 % GST on it (worked example 3 of docs/ledger.md, "Cash, percentage"). */
    public static final String PERCENTAGE = """
            "cash_commission_applies": true, "cash_commission_type": "percentage", "cash_commission_rate": 0.02,
            "gst_on_cash_commission": true""";
    /** ₹25 per bill, 18 % GST on it (worked example 4 of docs/ledger.md, "Cash, fixed fee"). */
    public static final String FIXED_FEE = """
            "cash_commission_applies": true, "cash_commission_type": "fixed_per_bill",
            "cash_commission_fixed_paise": 2500, "gst_on_cash_commission": true""";
    public static final String NO_COMMISSION = """
            "cash_commission_applies": false, "cash_commission_type": "percentage", "gst_on_cash_commission": true""";

    private CashCounter() {
    }

    /** A new facility with the given cash commission terms; the session is left as the super admin in it. */
    public static UUID facility(AppSession s, String tag, String cashTerms) throws SQLException {
        return TestFacilities.onboard(s, "Cash Hospital " + tag, "hospital", "admin-" + tag + "@cash.test",
                "{" + cashTerms + "}", TestFacilities.rates());
    }

    /** A staff member of the given kind with a sign-in at the facility; returns the user id (session unchanged). */
    public static UUID clerk(AppSession s, UUID facility, String tag, String kind) throws SQLException {
        UUID user = UUID.randomUUID();
        s.asDefiner("insert into users (id, email, display_name, password_hash, role, facility_id) "
                + "values (?, ?, ?, '!', 'staff', ?)", user, tag + "-" + user + "@cash.test", "Clerk " + tag, facility);
        s.as(SUPER_ADMIN, facility);
        s.execute("insert into staff (facility_id, user_id, kind, display_name) values (?, ?, ?::staff_kind, ?)",
                facility, user, kind, "Clerk " + tag);
        return user;
    }

    public static UUID openShift(AppSession s, long floatPaise) throws SQLException {
        return UUID.fromString(s.string("select app.open_shift(?)::text", floatPaise));
    }

    public static UUID collect(AppSession s, UUID bill, long amountPaise, String key) throws SQLException {
        return UUID.fromString(s.string("select app.collect_cash(?, ?, ?)::text", bill, amountPaise, key));
    }

    /** commission, its GST of a collection, in paise. */
    public static List<Long> commission(AppSession s, UUID collection) throws SQLException {
        return s.table("select commission_paise, commission_gst_paise from cash_collections where id = ?", collection)
                .getFirst().stream().map(Long::valueOf).toList();
    }

    /** The lines of a collection's entry as "D account amount" / "C account amount" (the caller reads the ledger). */
    public static List<String> journalLines(AppSession s, UUID collection) throws SQLException {
        return s.strings("""
                select case when l.debit_paise > 0 then 'D ' else 'C ' end || l.account || ' ' || (l.debit_paise + l.credit_paise)
                from journal_lines l join cash_collections c on c.journal_entry_id = l.entry_id
                where c.id = ? order by l.line_no""", collection);
    }
}
