package com.careledger.billing;

import static com.careledger.billing.Bills.ANIL_DRAFT_BILL;
import static com.careledger.billing.Bills.ANIL_ISSUED_BILL;
import static com.careledger.billing.Bills.ANIL_TODAY_AT_SANJEEVANI;
import static com.careledger.billing.Bills.SHREE_PARACETAMOL;
import static com.careledger.billing.Bills.SUNITA_ISSUED_BILL;
import static com.careledger.billing.Bills.addService;
import static com.careledger.billing.Bills.create;
import static com.careledger.test.TestDatabase.ANIL_AT_AROGYA;
import static com.careledger.test.TestDatabase.ANIL_AT_SANJEEVANI;
import static com.careledger.test.TestDatabase.AROGYA;
import static com.careledger.test.TestDatabase.AROGYA_ADMIN;
import static com.careledger.test.TestDatabase.AROGYA_CONSULTATION;
import static com.careledger.test.TestDatabase.PATIENT_ANIL;
import static com.careledger.test.TestDatabase.PATIENT_RAHUL;
import static com.careledger.test.TestDatabase.RAHUL_AT_AROGYA;
import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_BILLING;
import static com.careledger.test.TestDatabase.SANJEEVANI_CBC;
import static com.careledger.test.TestDatabase.SANJEEVANI_DOCTOR;
import static com.careledger.test.TestDatabase.SUNITA_AT_SANJEEVANI;
import static com.careledger.test.TestDatabase.SUPER_ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.UUID;

import com.careledger.test.AppSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bills stay inside their facility (the policies and triggers on bills and bill_items), beyond what
 * TenantIsolationMatrixTest checks for every table: a bill cannot point at another facility's patient, appointment,
 * service or product; other facilities cannot issue or cancel it; a patient reads only their own issued bills; staff
 * without a billing permission read none. Each test rolls back.
 */
class BillIsolationTest {

    private AppSession app;

    @BeforeEach
    void open() throws SQLException {
        app = AppSession.open();
    }

    @AfterEach
    void rollBack() throws SQLException {
        app.close();
    }

    @Test
    void aBillCannotReferenceAnotherFacilitysPatientOrAppointment() throws SQLException {
        app.as(SANJEEVANI_BILLING, SANJEEVANI);
        assertThat(app.failure("select app.create_bill(?, ?)", SANJEEVANI, ANIL_AT_AROGYA))
                .hasMessageContaining("bills_patient_fkey").extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("23503");
        UUID arogyaAppointment = UUID.fromString("a9900000-0000-4000-8000-000000000201");
        assertThat(app.failure("select app.create_bill(?, ?, ?)", SANJEEVANI, ANIL_AT_SANJEEVANI, arogyaAppointment))
                .hasMessageContaining("does not exist in this facility").extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("23503");
        // nor another patient's appointment of the same facility
        assertThat(app.failure("select app.create_bill(?, ?, ?)", SANJEEVANI, SUNITA_AT_SANJEEVANI, ANIL_TODAY_AT_SANJEEVANI))
                .hasMessageContaining("is not the bill's patient's");
        // nor a bill at another facility at all
        assertThat(app.sqlFailure("select app.create_bill(?, ?)", AROGYA, ANIL_AT_AROGYA).getSQLState()).isIn("23503", "42501");
        assertThat(app.count("select count(*) from bills where created_at = now()")).isZero();
    }

    @Test
    void anAppointmentLinkIsCompletedWithItsDay() throws SQLException {
        app.as(SANJEEVANI_BILLING, SANJEEVANI);
        UUID bill = UUID.fromString(app.string("select app.create_bill(?, ?, ?)::text", SANJEEVANI, ANIL_AT_SANJEEVANI,
                ANIL_TODAY_AT_SANJEEVANI));
        assertThat(app.string("select appointment_starts_on = app.ist_today() from bills where id = ?", bill)).isEqualTo("t");
    }

    @Test
    void aLineCannotBeAnotherFacilitysServiceOrProduct() throws SQLException {
        app.as(SANJEEVANI_BILLING, SANJEEVANI);
        UUID bill = create(app, SANJEEVANI, ANIL_AT_SANJEEVANI);
        assertThat(app.failure("select app.add_bill_service(?, ?, 1)", bill, AROGYA_CONSULTATION))
                .hasMessageContaining("service " + AROGYA_CONSULTATION + " does not exist in this facility")
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("23503");
        assertThat(app.failure("select app.add_bill_product(?, ?, 1)", bill, SHREE_PARACETAMOL))
                .hasMessageContaining("product " + SHREE_PARACETAMOL + " does not exist in this facility");
        // written by hand, with the other facility's id on the line: the bill is not there
        assertThat(app.failure("insert into bill_items (facility_id, bill_id, service_id, quantity) values (?, ?, ?, 1)",
                AROGYA, bill, AROGYA_CONSULTATION)).hasMessageContaining("does not exist in this facility");
        assertThat(app.count("select count(*) from bill_items where bill_id = ?", bill)).isZero();
    }

    @Test
    void anotherFacilityCanNeitherSeeNorIssueNorCancelABill() throws SQLException {
        app.as(AROGYA_ADMIN, AROGYA);
        assertThat(app.count("select count(*) from bills where facility_id = ?", SANJEEVANI)).isZero();
        assertThat(app.failure("select app.issue_bill(?)", ANIL_DRAFT_BILL)).hasMessageContaining("not found")
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("P0002");
        assertThat(app.failure("select app.cancel_bill(?, 'not ours')", ANIL_DRAFT_BILL)).hasMessageContaining("not found");
        assertThat(app.failure("select app.set_bill_discount(?, 0)", ANIL_DRAFT_BILL)).hasMessageContaining("not found");
        assertThat(app.failure("select app.add_bill_service(?, ?, 1)", ANIL_DRAFT_BILL, AROGYA_CONSULTATION))
                .hasMessageContaining("not found");

        app.as(SANJEEVANI_BILLING, SANJEEVANI);
        assertThat(app.string("select status from bills where id = ?", ANIL_DRAFT_BILL)).isEqualTo("draft");
    }

    @Test
    void aPatientReadsTheirOwnIssuedBillsAndTheirLinesButNotDrafts() throws SQLException {
        app.as(PATIENT_ANIL, null);
        assertThat(app.strings("select id::text from bills")).containsExactly(ANIL_ISSUED_BILL.toString());
        assertThat(app.strings("select description from bill_items order by line_no"))
                .containsExactly("OPD consultation", "Complete blood count (CBC)");
        assertThat(app.failure("select app.create_bill(?, ?)", SANJEEVANI, ANIL_AT_SANJEEVANI)).hasMessageContaining("does not exist");
        assertThat(app.failure("select app.cancel_bill(?, 'I do not want to pay')", ANIL_ISSUED_BILL)).hasMessageContaining("not found");
        assertThat(app.failure("select app.issue_bill(?)", ANIL_DRAFT_BILL)).hasMessageContaining("not found");

        app.as(PATIENT_RAHUL, null);
        assertThat(app.count("select count(*) from bills where patient_id <> ?", RAHUL_AT_AROGYA)).isZero();
        assertThat(app.count("select count(*) from bill_items where patient_id <> ?", RAHUL_AT_AROGYA)).isZero();
    }

    @Test
    void staffWithoutABillingPermissionSeeNoBills() throws SQLException {
        app.as(SANJEEVANI_DOCTOR, SANJEEVANI);
        assertThat(app.count("select count(*) from bills")).isZero();
        assertThat(app.count("select count(*) from bill_items")).isZero();
        assertThat(app.count("select count(*) from document_counters")).isZero();
        assertThat(app.failure("select app.create_bill(?, ?)", SANJEEVANI, ANIL_AT_SANJEEVANI)).hasMessageContaining("row-level security");
        assertThat(app.failure("select app.issue_bill(?)", ANIL_DRAFT_BILL)).hasMessageContaining("needs billing.manage");
    }

    @Test
    void theSuperAdminSeesEveryFacilitysBillsAndMayBillInTheFacilityEntered() throws SQLException {
        app.as(SUPER_ADMIN, null);
        assertThat(app.strings("select distinct facility_id::text from bills order by 1")).contains(SANJEEVANI.toString());
        assertThat(app.string("select status from bills where id = ?", SUNITA_ISSUED_BILL)).isEqualTo("issued");
        app.as(SUPER_ADMIN, SANJEEVANI);
        UUID bill = create(app, SANJEEVANI, ANIL_AT_SANJEEVANI);
        addService(app, bill, SANJEEVANI_CBC, 1);
        assertThat(Bills.issue(app, bill)).startsWith("SMH/");
        assertThat(app.string("select issued_by from bills where id = ?", bill)).isEqualTo(SUPER_ADMIN.toString());
    }

    @Test
    void billsAreAudited() throws SQLException {
        app.as(SANJEEVANI_BILLING, SANJEEVANI);
        UUID bill = create(app, SANJEEVANI, ANIL_AT_SANJEEVANI);
        addService(app, bill, SANJEEVANI_CBC, 1);
        String number = Bills.issue(app, bill);
        app.as(com.careledger.test.TestDatabase.SANJEEVANI_ADMIN, SANJEEVANI);
        assertThat(app.strings("""
                select table_name || ' ' || operation from audit_log
                where row_key ->> 'id' = ? order by id""", bill.toString()))
                .contains("bills INSERT", "bills UPDATE");
        assertThat(app.count("select count(*) from audit_log where table_name = 'bills' and new_values ->> 'bill_number' = ?", number))
                .isEqualTo(1);
        assertThat(app.count("select count(*) from audit_log where table_name = 'bill_items' and new_values ->> 'bill_id' = ?",
                bill.toString())).isPositive();
    }
}
