package com.careledger.test;

import java.sql.SQLException;
import java.util.UUID;

/**
 * Onboards a facility for a test, inside its session's transaction, the way the super admin's wizard does
 * ({@code app.onboard_facility}): a hospital in Maharashtra with a GSTIN, an admin, a configuration and MDR rates.
 * The configuration is {@link #DEFAULT_TERMS} with the test's own terms laid over it (a JSON object of the fields
 * that differ), so each test says only what matters to it. The admin onboarding invites is made active at once in a
 * session with definer access (a fixture's shortcut past the invitation link). The session is left as the super
 * admin in the facility.
 */
public final class TestFacilities {

    public static final UUID SUPER_ADMIN = UUID.fromString("5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0001");

    /** No cash commission, platform bears refunds' gateway fee, no TDS, weekly, no minimum, netting allowed; GST 18 %. */
    public static final String DEFAULT_TERMS = """
            {"gst_rate": 0.18, "cash_commission_applies": false, "cash_commission_type": "percentage",
             "gst_on_cash_commission": true, "refund_gateway_fee_bearer": "platform", "tds_rate": 0,
             "settlement_cycle": "weekly", "minimum_payout_paise": 0, "netting_allowed": true}""";

    private static final String RATES = """
            [{"method": "card", "gateway_mdr": %s, "platform_mdr": %s},
             {"method": "upi", "gateway_mdr": 0, "platform_mdr": 0},
             {"method": "rupay_debit", "gateway_mdr": 0, "platform_mdr": 0},
             {"method": "netbanking", "gateway_mdr": 0.015, "platform_mdr": 0.017},
             {"method": "wallet", "gateway_mdr": 0.018, "platform_mdr": 0.02}]""";

    private TestFacilities() {
    }

    /** MDR rates: card at the given gateway and platform rates; UPI and RuPay debit free; net banking, wallet fixed. */
    public static String rates(String cardGatewayMdr, String cardPlatformMdr) {
        return RATES.formatted(cardGatewayMdr, cardPlatformMdr);
    }

    /** Card at 1.10 % / 1.20 % (the online worked example of docs/ledger.md). */
    public static String rates() {
        return rates("0.011", "0.012");
    }

    /**
     * A new facility of the given type named {@code name}; {@code terms} is a JSON object laid over
     * {@link #DEFAULT_TERMS}. The admin's e-mail is {@code adminEmail}.
     */
    public static UUID onboard(AppSession s, String name, String type, String adminEmail, String terms, String rates)
            throws SQLException {
        s.as(SUPER_ADMIN, null);
        UUID facility = UUID.fromString(s.string("""
                select app.onboard_facility(?, ?, ?::facility_type, 'Satara', '27', '27AAECS9876K1Z3', ?, 'Admin',
                       ?::jsonb || ?::jsonb, ?::jsonb)::text""",
                name, name + " Private Limited", type, adminEmail, DEFAULT_TERMS, terms, rates));
        if (s.hasDefinerAccess()) {
            // onboarding invites the admin (pending until they set a password through the mailed link, which
            // OnboardingTest and AccountLinksTest go through); the fixtures need a working admin at once
            s.asDefiner("update users set status = 'active' where facility_id = ? and role = 'facility_admin'", facility);
        }
        s.as(SUPER_ADMIN, facility);
        return facility;
    }
}
