package com.careledger.reporting;

import static com.careledger.payment.OnlinePayments.SUPER_ADMIN;

import java.sql.SQLException;
import java.util.UUID;

import com.careledger.payment.OnlinePayments;
import com.careledger.test.AppSession;
import com.careledger.test.TestFacilities;

/**
 * Money for reports, made through the app's SQL functions inside the test's rolled-back transaction: facilities
 * onboarded by the super admin with card MDRs of the online worked example of docs/ledger.md (gateway 1.10 %, platform
 * 1.20 %, GST 18 %) and its percentage cash commission (2 % + 18 % GST), each with a billing clerk whose shift is open;
 * issued bills, captures (app.capture_payment) and cash collections (app.collect_cash). Sessions come from
 * {@link AppSession#openWithDefinerAccess()}: a clerk's sign-in is a row only definer functions write.
 */
final class ReportingFixture {

    /** 2 % of each cash collection, 18 % GST on it. */
    private static final String TERMS = """
            {"cash_commission_applies": true, "cash_commission_type": "percentage", "cash_commission_rate": 0.02}""";

    /** A facility, its admin (made by onboarding) and a billing clerk with an open shift. */
    record Facility(UUID id, UUID admin, UUID clerk) {
    }

    private ReportingFixture() {
    }

    /** A new facility of the given category; the session is left as the super admin in it. */
    static Facility facility(AppSession s, String tag, String category) throws SQLException {
        String email = "admin-" + tag + "-" + UUID.randomUUID() + "@reports.test";
        UUID facility = TestFacilities.onboard(s, "Report " + category + " " + tag, category, email, TERMS,
                TestFacilities.rates());
        UUID admin = UUID.fromString(s.string("select id::text from users where email = ?", email));
        UUID clerk = UUID.randomUUID();
        s.asDefiner("insert into users (id, email, display_name, password_hash, role, facility_id) "
                + "values (?, ?, ?, '!', 'staff', ?)", clerk, "clerk-" + clerk + "@reports.test", "Clerk " + tag, facility);
        s.as(SUPER_ADMIN, facility);
        s.execute("insert into staff (facility_id, user_id, kind, display_name) values (?, ?, 'billing', ?)",
                facility, clerk, "Clerk " + tag);
        s.as(clerk, facility);
        s.string("select app.open_shift(0)::text");
        s.as(SUPER_ADMIN, facility);
        return new Facility(facility, admin, clerk);
    }

    /** An issued, GST-exempt bill of a new patient; the session is left as the super admin in the facility. */
    static UUID bill(AppSession s, Facility f, long totalPaise) throws SQLException {
        s.as(SUPER_ADMIN, f.id());
        return OnlinePayments.issuedBill(s, f.id(), totalPaise);
    }

    /** The patient a bill is for; the session is left as the super admin with no facility entered. */
    static UUID patientOf(AppSession s, UUID bill) throws SQLException {
        s.as(SUPER_ADMIN, null);
        return UUID.fromString(s.string("select patient_id::text from bills where id = ?", bill));
    }

    static UUID captureCard(AppSession s, Facility f, UUID bill, long amountPaise) throws SQLException {
        s.as(SUPER_ADMIN, f.id());
        return OnlinePayments.capture(s, bill, "pay_" + UUID.randomUUID().toString().replace("-", ""), "card", amountPaise);
    }

    /** Cash at the counter by the facility's clerk; the session is left as the super admin in the facility. */
    static UUID collect(AppSession s, Facility f, UUID bill, long amountPaise) throws SQLException {
        s.as(f.clerk(), f.id());
        UUID collection = UUID.fromString(s.string("select app.collect_cash(?, ?, ?)::text", bill, amountPaise,
                "cash-" + UUID.randomUUID()));
        s.as(SUPER_ADMIN, f.id());
        return collection;
    }

    /**
     * The worked examples of docs/ledger.md at one hospital: a ₹10 000 bill paid by card (margin 10.00), a ₹5 000 bill
     * paid in cash ₹3 000 + ₹2 000 (commission 60.00 + 10.80, 40.00 + 7.20) and a ₹1 000 bill not paid yet; and at a
     * clinic a ₹1 000 bill paid in cash (20.00 + 3.60). The session is left as the super admin with no facility
     * entered.
     */
    record Scenario(Facility hospital, Facility clinic, UUID cardPatient, UUID cashPatient) {
    }

    static Scenario scenario(AppSession s, String tag) throws SQLException {
        Facility hospital = facility(s, tag + "-h", "hospital");
        UUID online = bill(s, hospital, 1_000_000);
        captureCard(s, hospital, online, 1_000_000);
        UUID cash = bill(s, hospital, 500_000);
        collect(s, hospital, cash, 300_000);
        collect(s, hospital, cash, 200_000);
        bill(s, hospital, 100_000);

        Facility clinic = facility(s, tag + "-c", "clinic");
        UUID clinicBill = bill(s, clinic, 100_000);
        collect(s, clinic, clinicBill, 100_000);
        UUID cardPatient = patientOf(s, online);
        UUID cashPatient = patientOf(s, cash);
        s.as(SUPER_ADMIN, null);
        return new Scenario(hospital, clinic, cardPatient, cashPatient);
    }
}
