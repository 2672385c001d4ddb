package com.careledger.core.db;

import static com.careledger.test.TestDatabase.ANIL_AT_AROGYA;
import static com.careledger.test.TestDatabase.ANIL_AT_SANJEEVANI;
import static com.careledger.test.TestDatabase.ANIL_CARD;
import static com.careledger.test.TestDatabase.AROGYA;
import static com.careledger.test.TestDatabase.AROGYA_ADMIN;
import static com.careledger.test.TestDatabase.PATIENT_ANIL;
import static com.careledger.test.TestDatabase.PATIENT_RAHUL;
import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_ADMIN;
import static com.careledger.test.TestDatabase.SANJEEVANI_BILLING;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.careledger.cash.CashCounter;
import com.careledger.payment.OnlinePayments;
import com.careledger.test.AppSession;
import org.junit.jupiter.api.Test;

/**
 * A signed-in patient's requests run as careledger_patient, the only role the patient branches of the
 * money and appointment policies apply to; staff run as careledger_app, which holds only the staff branches. Each
 * way round, the wrong role fails closed.
 */
class PatientRoleTest {

    /** The tables whose select policy was split into a staff and a patient branch. */
    private static final List<String> SPLIT = List.of("appointments", "bills", "bill_items", "payments",
            "cash_collections", "payment_refunds", "cash_refunds", "receipts");

    private static final UUID ANIL_ISSUED_BILL = UUID.fromString("b1110000-0000-4000-8000-000000000101");
    private static final UUID ANIL_DRAFT_BILL = UUID.fromString("b1110000-0000-4000-8000-000000000103");

    /**
     * Anil's issued bill at Sanjeevani gets an online payment and a cash collection (each with its receipt), and
     * part of each back: a row in each of the split tables.
     */
    private static void anilPaysPartly(AppSession s) throws SQLException {
        s.as(SANJEEVANI_BILLING, SANJEEVANI);
        UUID payment = OnlinePayments.capture(s, ANIL_ISSUED_BILL, "pay_patient_role", "upi", 100);
        OnlinePayments.asWebhook(s, () -> s.string("select app.refund_payment(?, 'rfnd_patient_role', 40, 'patient asked')::text",
                payment));
        UUID clerk = CashCounter.clerk(s, SANJEEVANI, "patientrole", "billing");
        s.as(clerk, SANJEEVANI);
        CashCounter.openShift(s, 0);
        UUID collection = CashCounter.collect(s, ANIL_ISSUED_BILL, 200, "patient-role-cash");
        s.string("select app.refund_cash(?, 50, 'patient asked', 'patient-role-cash-refund')::text", collection);
    }

    @Test
    void aPatientRunsAsThePatientRoleAndSeesOnlyTheirOwnRows() throws SQLException {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            anilPaysPartly(s);
            s.as(PATIENT_ANIL, null);
            assertThat(s.currentRole()).isEqualTo("careledger_patient");
            assertThat(s.strings("select id::text from bills")).containsExactly(ANIL_ISSUED_BILL.toString());
            assertThat(s.rows("bills where id = ?", ANIL_DRAFT_BILL)).as("not his draft").isZero();
            assertThat(s.rows("bill_items")).isPositive();
            assertThat(s.rows("bill_items where bill_id <> ?", ANIL_ISSUED_BILL)).isZero();
            assertThat(s.rows("payments where bill_id = ?", ANIL_ISSUED_BILL)).isEqualTo(1);
            assertThat(s.rows("cash_collections where bill_id = ?", ANIL_ISSUED_BILL)).isEqualTo(1);
            assertThat(s.rows("payment_refunds")).isEqualTo(1);
            assertThat(s.rows("cash_refunds")).isEqualTo(1);
            assertThat(s.rows("receipts")).isEqualTo(2);
            assertThat(s.rows("appointments")).isPositive();
            for (String table : SPLIT) {
                assertThat(s.rows(table + " where patient_id not in (?, ?)", ANIL_AT_SANJEEVANI, ANIL_AT_AROGYA))
                        .as(table).isZero();
            }
            // the policies that were already the patient's alone still answer under the patient role
            assertThat(s.strings("select id::text from patients order by facility_id"))
                    .containsExactlyInAnyOrder(ANIL_AT_SANJEEVANI.toString(), ANIL_AT_AROGYA.toString());
            assertThat(s.strings("select id::text from health_cards")).containsExactly(ANIL_CARD.toString());
            assertThat(s.strings("select id::text from users")).containsExactly(PATIENT_ANIL.toString());
            assertThat(s.strings("select distinct facility_id::text from services"))
                    .containsExactlyInAnyOrder(SANJEEVANI.toString(), AROGYA.toString());
            assertThat(s.rows("facilities")).as("a patient has no visible facility").isZero();

            // another patient sees none of Anil's
            s.as(PATIENT_RAHUL, null);
            assertThat(s.rows("bills where id = ?", ANIL_ISSUED_BILL)).isZero();
            assertThat(s.rows("payments where bill_id = ?", ANIL_ISSUED_BILL)).isZero();
            assertThat(s.rows("receipts where patient_id = ?", ANIL_AT_SANJEEVANI)).isZero();
        }
    }

    @Test
    void aPatientsContextOnTheAppRoleSeesNoneOfTheirRows() throws SQLException {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            anilPaysPartly(s);
            s.as(PATIENT_ANIL, null);
            Map<String, Integer> asPatient = counts(s, SPLIT);
            assertThat(asPatient.values()).allSatisfy(n -> assertThat(n).isPositive());

            s.execute("set local role careledger_app");
            assertThat(s.currentRole()).isEqualTo("careledger_app");
            assertThat(counts(s, SPLIT).values()).as("a patient's context on the app role").containsOnly(0);
        }
    }

    @Test
    void resettingTheRoleAfterAPatientsContextWidensNothing() throws SQLException {
        try (AppSession s = AppSession.open()) {
            s.as(PATIENT_ANIL, null);
            List<String> tables = s.strings("""
                    select c.oid::regclass::text from pg_class c join pg_namespace n on n.oid = c.relnamespace
                    where n.nspname in ('public', 'app') and c.relkind in ('r', 'p', 'v', 'm')
                      and has_table_privilege('careledger_app', c.oid, 'select')
                    order by 1""");
            assertThat(tables).contains("bills", "payments", "patients", "health_cards");
            Map<String, Integer> asPatient = counts(s, tables);
            s.execute("reset role");
            assertThat(s.currentRole()).isEqualTo("careledger_app");
            Map<String, Integer> afterReset = counts(s, tables);
            for (String table : tables) {
                assertThat(afterReset.get(table)).as(table).isLessThanOrEqualTo(asPatient.get(table));
            }
            assertThat(afterReset.get("bills")).isZero();
            assertThat(afterReset.get("appointments")).isZero();
            assertThat(afterReset.get("patients")).as("his own patient records are no staff branch").isEqualTo(2);

            // and a forged context cannot come back in as staff on the app role
            s.execute("set local role careledger_app");
            s.forge("app.current_tenant", SANJEEVANI.toString());
            assertThat(s.rows("bills")).isZero();
            assertThat(s.rows("appointments")).isZero();
        }
    }

    @Test
    void aStaffContextOnThePatientRoleSeesNone() throws SQLException {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            anilPaysPartly(s);
            s.as(SANJEEVANI_ADMIN, SANJEEVANI);
            assertThat(s.currentRole()).isEqualTo("careledger_app");
            Map<String, Integer> asStaff = counts(s, SPLIT);
            assertThat(asStaff.values()).allSatisfy(n -> assertThat(n).isPositive());
            s.execute("set local role careledger_patient");
            assertThat(counts(s, SPLIT).values()).as("a staff context on the patient role").containsOnly(0);
        }
    }

    @Test
    void aSessionSwitchesFromAPatientBackToStaff() throws SQLException {
        try (AppSession s = AppSession.open()) {
            s.as(PATIENT_ANIL, null);
            assertThat(s.currentRole()).isEqualTo("careledger_patient");
            assertThat(s.rows("bills where facility_id = ?", SANJEEVANI)).isEqualTo(1);
            assertThat(s.rows("appointments where facility_id = ?", AROGYA)).isEqualTo(
                    s.rows("appointments where facility_id = ? and patient_id = ?", AROGYA, ANIL_AT_AROGYA));
            s.as(SANJEEVANI_ADMIN, SANJEEVANI);
            assertThat(s.currentRole()).isEqualTo("careledger_app");
            assertThat(s.rows("bills where facility_id = ?", SANJEEVANI)).isEqualTo(3);
            s.as(AROGYA_ADMIN, AROGYA);
            assertThat(s.rows("appointments where facility_id = ?", AROGYA))
                    .isGreaterThan(s.rows("appointments where facility_id = ? and patient_id = ?", AROGYA, ANIL_AT_AROGYA));
            s.as(null, null);
            assertThat(s.currentRole()).isEqualTo("careledger_app");
            assertThat(counts(s, SPLIT).values()).containsOnly(0);
        }
    }

    @Test
    void thePatientRoleCannotWriteWhatTheAppRoleCannot() throws SQLException {
        try (AppSession s = AppSession.open()) {
            s.as(PATIENT_ANIL, null);
            assertThat(s.sqlFailure("update payments set amount_paise = 1").getSQLState()).isEqualTo("42501");
            assertThat(s.sqlFailure("set local role careledger_definer").getSQLState()).isEqualTo("42501");
            assertThat(s.sqlFailure("select app.capture_payment(?, 'razorpay', 'o', 'p', 'card', 100)", ANIL_ISSUED_BILL)
                    .getSQLState()).isEqualTo("42501");
            assertThat(s.update("update bills set notes = 'mine' where id = ?", ANIL_ISSUED_BILL)).isZero();
        }
    }

    private static Map<String, Integer> counts(AppSession s, List<String> tables) throws SQLException {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String table : tables) {
            int n;
            try {
                n = s.rows(table);
            } catch (SQLException e) {
                if (!"42501".equals(e.getSQLState())) {
                    throw e;
                }
                n = 0; // column privileges only: the table as a whole is not readable
            }
            out.put(table, n);
        }
        return out;
    }
}
