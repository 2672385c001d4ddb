package com.careledger.payment;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.careledger.test.AppSession;
import com.careledger.test.TestFacilities;
import org.jspecify.annotations.Nullable;

/**
 * Facilities with the rates a test needs, onboarded by the super admin inside the test's rolled-back transaction,
 * an issued bill there, orders (app.create_payment_order, as the session's user) and their captures
 * (app.capture_payment, as the payment webhook). The session is left as the super admin in the new facility.
 */
public final class OnlinePayments {

    public static final UUID SUPER_ADMIN = UUID.fromString("5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0001");
    /** The payment-webhook system principal. */
    public static final UUID PAYMENT_WEBHOOK = UUID.fromString("00000000-0000-4000-8000-000000000003");

    private OnlinePayments() {
    }

    /** A new facility whose card payments cost the given MDRs, at the given GST rate; its admin's email is unique. */
    public static UUID facility(AppSession s, String tag, String cardGatewayMdr, String cardPlatformMdr, String gstRate)
            throws SQLException {
        return TestFacilities.onboard(s, "Test Hospital " + tag, "hospital", "admin-" + tag + "@payments.test",
                "{\"gst_rate\": " + gstRate + "}", TestFacilities.rates(cardGatewayMdr, cardPlatformMdr));
    }

    /** An issued, GST-exempt bill of the given total at the facility (the session is in it as the super admin). */
    public static UUID issuedBill(AppSession s, UUID facility, long totalPaise) throws SQLException {
        UUID patient = UUID.fromString(s.string("""
                insert into patients (facility_id, registration_number, full_name)
                values (?, 'P-' || upper(substr(md5(random()::text), 1, 8)), 'Test Patient') returning id""", facility));
        UUID service = UUID.fromString(s.string("""
                insert into services (facility_id, code, name, category, price_paise, hsn_sac_code, gst_rate)
                values (?, 'S' || upper(substr(md5(random()::text), 1, 8)), 'Test procedure', 'procedure', ?, '999312', 0)
                returning id""", facility, totalPaise));
        UUID bill = UUID.fromString(s.string("select app.create_bill(?, ?)::text", facility, patient));
        s.string("select app.add_bill_service(?, ?, 1)::text", bill, service);
        s.string("select app.issue_bill(?)", bill);
        return bill;
    }

    /** {@code count} issued, GST-exempt bills of the given total at the facility, for one patient, one service. */
    public static List<UUID> issuedBills(AppSession s, UUID facility, int count, long totalPaise) throws SQLException {
        UUID patient = UUID.fromString(s.string("""
                insert into patients (facility_id, registration_number, full_name)
                values (?, 'P-' || upper(substr(md5(random()::text), 1, 8)), 'Test Patient') returning id""", facility));
        UUID service = UUID.fromString(s.string("""
                insert into services (facility_id, code, name, category, price_paise, hsn_sac_code, gst_rate)
                values (?, 'S' || upper(substr(md5(random()::text), 1, 8)), 'Test procedure', 'procedure', ?, '999312', 0)
                returning id""", facility, totalPaise));
        List<UUID> bills = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            UUID bill = UUID.fromString(s.string("select app.create_bill(?, ?)::text", facility, patient));
            s.string("select app.add_bill_service(?, ?, 1)::text", bill, service);
            s.string("select app.issue_bill(?)", bill);
            bills.add(bill);
        }
        return bills;
    }

    /**
     * Creates the order {@code order_<paymentId>} of the bill as the session's current user (someone who may bill in
     * the bill's facility; the same order again is the same order, so {@link #order} may have made it earlier).
     */
    public static UUID order(AppSession s, UUID bill, String paymentId, long amountPaise) throws SQLException {
        return UUID.fromString(s.string("select app.create_payment_order(?, 'razorpay', ?, ?)::text",
                bill, "order_" + paymentId, amountPaise));
    }

    /**
     * The portal's flow: the session's current user creates the order ({@link #order}), then the gateway reports the
     * capture, recorded as the payment webhook in the session's facility (only the webhook records captures), and the
     * session returns to the user and facility it was in.
     */
    public static UUID capture(AppSession s, UUID bill, String paymentId, String method, long amountPaise)
            throws SQLException {
        order(s, bill, paymentId, amountPaise);
        return asWebhook(s, () -> UUID.fromString(s.string(
                "select app.capture_payment(?, 'razorpay', ?, ?, ?::payment_method, ?)::text",
                bill, "order_" + paymentId, paymentId, method, amountPaise)));
    }

    /** What only the gateway reports. */
    public interface GatewayEvent<T> {
        T record() throws SQLException;
    }

    /**
     * Records a gateway event as the payment webhook in the session's current facility, then returns the session to
     * the user and facility it was in.
     */
    public static <T> T asWebhook(AppSession s, GatewayEvent<T> event) throws SQLException {
        UUID user = uuidOrNull(s.string("select app.current_user_id()::text"));
        UUID tenant = uuidOrNull(s.string("select app.current_tenant()::text"));
        s.as(PAYMENT_WEBHOOK, tenant);
        try {
            return event.record();
        } finally {
            s.as(user, tenant);
        }
    }

    private static @Nullable UUID uuidOrNull(@Nullable String text) {
        return text == null ? null : UUID.fromString(text);
    }

    /** gateway fee, its GST, platform fee, its GST, commission, net of a payment, in paise. */
    public static List<Long> figures(AppSession s, UUID payment) throws SQLException {
        return s.table("""
                select gateway_fee_paise, gateway_gst_paise, platform_fee_paise, platform_gst_paise,
                       platform_commission_paise, net_settlement_paise
                from payments where id = ?""", payment).getFirst().stream().map(Long::valueOf).toList();
    }

    /** The lines of a payment's entry as "D account amount" / "C account amount", in line order. */
    public static List<String> journalLines(AppSession s, UUID payment) throws SQLException {
        return s.strings("""
                select case when l.debit_paise > 0 then 'D ' else 'C ' end || l.account
                       || coalesce('[' || l.gateway || ']', '') || ' ' || (l.debit_paise + l.credit_paise)
                from journal_lines l join payments p on p.journal_entry_id = l.entry_id
                where p.id = ? order by l.line_no""", payment);
    }
}
