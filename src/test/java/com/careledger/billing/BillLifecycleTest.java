package com.careledger.billing;

import static com.careledger.billing.Bills.ANIL_DRAFT_BILL;
import static com.careledger.billing.Bills.SUNITA_ISSUED_BILL;
import static com.careledger.billing.Bills.addService;
import static com.careledger.billing.Bills.create;
import static com.careledger.billing.Bills.discount;
import static com.careledger.billing.Bills.issue;
import static com.careledger.test.TestDatabase.ANIL_AT_SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_BILLING;
import static com.careledger.test.TestDatabase.SANJEEVANI_CBC;
import static com.careledger.test.TestDatabase.SANJEEVANI_CONSULTATION;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import com.careledger.test.AppSession;
import com.careledger.test.TestDatabase;
import com.careledger.test.TestSessions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What happens to a bill over its life (app.create_bill, app.issue_bill, app.cancel_bill and the triggers on bills), as
 * Sanjeevani's billing clerk: editable while draft; issued and frozen; cancelled only as a draft or unpaid; paid and
 * partially paid as payments say (app.bill_status_for_payment); amounts never written by hand. Each test rolls back.
 */
class BillLifecycleTest {

    private static final String FROZEN = "55000";

    private AppSession app;

    @BeforeEach
    void open() throws SQLException {
        app = AppSession.open().as(SANJEEVANI_BILLING, SANJEEVANI);
    }

    @AfterEach
    void rollBack() throws SQLException {
        app.close();
    }

    private UUID issuedBill() throws SQLException {
        UUID bill = create(app, SANJEEVANI, ANIL_AT_SANJEEVANI);
        addService(app, bill, SANJEEVANI_CONSULTATION, 1);
        UUID line = addService(app, bill, SANJEEVANI_CBC, 1);
        discount(app, bill, 5000);
        issue(app, bill);
        assertThat(line).isNotNull();
        return bill;
    }

    @Test
    void issuingNumbersFreezesAndRecordsWhoAndWhen() throws SQLException {
        UUID bill = issuedBill();
        assertThat(app.string("""
                select concat_ws(' ', status, bill_number ~ '^SMH/[0-9]{2}-[0-9]{2}/[0-9]{6}$', issued_by, issued_on = app.ist_today(),
                                 financial_year = app.financial_year(now()), issued_at = now())
                from bills where id = ?""", bill))
                .isEqualTo("issued t " + SANJEEVANI_BILLING + " t t t");
    }

    @Test
    void anIssuedBillsHeaderAndLinesAreFrozen() throws SQLException {
        UUID bill = issuedBill();
        UUID line = UUID.fromString(app.string("select id::text from bill_items where bill_id = ? and line_no = 1", bill));
        String before = app.string("select to_jsonb(b)::text from bills b where id = ?", bill);

        assertThat(app.failure("select app.set_bill_discount(?, 0)", bill)).hasMessageContaining("is issued: its header and lines are frozen")
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo(FROZEN);
        assertThat(app.sqlFailure("select app.set_bill_place_of_supply(?, '29')", bill).getSQLState()).isEqualTo(FROZEN);
        assertThat(app.sqlFailure("update bills set notes = 'changed' where id = ?", bill).getSQLState()).isEqualTo(FROZEN);
        assertThat(app.failure("select app.add_bill_service(?, ?, 1)", bill, SANJEEVANI_CBC))
                .hasMessageContaining("its lines change only while it is a draft").extracting(e -> ((SQLException) e).getSQLState()).isEqualTo(FROZEN);
        assertThat(app.sqlFailure("select app.set_bill_line_quantity(?, 2)", line).getSQLState()).isEqualTo(FROZEN);
        assertThat(app.sqlFailure("select app.remove_bill_line(?)", line).getSQLState()).isEqualTo(FROZEN);
        assertThat(app.failure("select app.issue_bill(?)", bill)).hasMessageContaining("is already issued");

        assertThat(app.string("select to_jsonb(b)::text from bills b where id = ?", bill)).isEqualTo(before);
        assertThat(app.count("select count(*) from bill_items where bill_id = ?", bill)).isEqualTo(2);
    }

    @Test
    void noWriterSetsAnAmountAStatusOrANumberByHand() throws SQLException {
        UUID draft = create(app, SANJEEVANI, ANIL_AT_SANJEEVANI);
        UUID line = addService(app, draft, SANJEEVANI_CBC, 1);
        // the app role holds no privilege on derived columns
        assertThat(app.sqlFailure("update bills set total_paise = 1 where id = ?", draft).getSQLState()).isEqualTo("42501");
        assertThat(app.sqlFailure("update bills set paid_paise = 1 where id = ?", draft).getSQLState()).isEqualTo("42501");
        assertThat(app.sqlFailure("update bills set bill_number = 'SMH/26-27/000999' where id = ?", draft).getSQLState()).isEqualTo("42501");
        assertThat(app.sqlFailure("update bill_items set unit_price_paise = 1 where id = ?", line).getSQLState()).isEqualTo("42501");
        assertThat(app.sqlFailure("update bill_items set discount_paise = 1 where id = ?", line).getSQLState()).isEqualTo("42501");
        assertThat(app.sqlFailure("insert into bills (facility_id, patient_id, total_paise) values (?, ?, 1)", SANJEEVANI,
                ANIL_AT_SANJEEVANI).getSQLState()).isEqualTo("42501");
        assertThat(app.sqlFailure("update document_counters set last_number = 0").getSQLState()).isEqualTo("42501");
        // a status the payments or app.issue_bill decide
        assertThat(app.failure("update bills set status = 'issued' where id = ?", draft))
                .hasMessageContaining("a draft bill is issued by app.issue_bill, or cancelled");
        assertThat(app.sqlFailure("update bills set status = 'paid' where id = ?", draft).getSQLState()).isEqualTo(FROZEN);
        UUID issued = issuedBill();
        assertThat(app.failure("update bills set status = 'paid' where id = ?", issued))
                .hasMessageContaining("the status of an issued bill follows its payments");
        assertThat(app.string("select status from bills where id = ?", issued)).isEqualTo("issued");
    }

    @Test
    void aDraftCanBeCancelledWithAReasonAndThenNothingChanges() throws SQLException {
        UUID draft = create(app, SANJEEVANI, ANIL_AT_SANJEEVANI);
        UUID line = addService(app, draft, SANJEEVANI_CBC, 1);
        assertThat(app.failure("select app.cancel_bill(?, null)", draft)).hasMessageContaining("a cancellation needs a reason");
        app.execute("select app.cancel_bill(?, 'Patient left before the test')", draft);
        assertThat(app.string("select concat_ws(' ', status, bill_number is null, cancelled_by, cancelled_at = now()) from bills where id = ?",
                draft)).isEqualTo("cancelled t " + SANJEEVANI_BILLING + " t");

        assertThat(app.failure("select app.issue_bill(?)", draft)).hasMessageContaining("is already cancelled");
        assertThat(app.sqlFailure("select app.add_bill_service(?, ?, 1)", draft, SANJEEVANI_CBC).getSQLState()).isEqualTo(FROZEN);
        assertThat(app.sqlFailure("select app.remove_bill_line(?)", line).getSQLState()).isEqualTo(FROZEN);
        assertThat(app.failure("update bills set status = 'draft' where id = ?", draft))
                .hasMessageContaining("is cancelled: it no longer changes");
    }

    @Test
    void anUnpaidIssuedBillCanBeCancelledAndKeepsItsNumber() throws SQLException {
        UUID bill = issuedBill();
        String number = app.string("select bill_number from bills where id = ?", bill);
        app.execute("select app.cancel_bill(?, 'Billed to the wrong patient')", bill);
        assertThat(app.string("select status || ' ' || bill_number || ' ' || total_paise from bills where id = ?", bill))
                .isEqualTo("cancelled " + number + " 80000");
        assertThat(app.string("select cancel_reason from bills where id = ?", bill)).isEqualTo("Billed to the wrong patient");
    }

    /**
     * Captures, cash collections and refunds set paid_paise with definer rights (R__0009_payments_and_cash.sql). Here
     * the migration owner stands in for them, in the same transaction as the app role (one superuser connection
     * switching roles).
     */
    @Test
    void paymentsDeriveTheStatusAndAPaidOrPartlyPaidBillCannotBeCancelled() throws SQLException {
        try (Connection c = TestDatabase.connectAsSuperuser()) {
            c.setAutoCommit(false);
            try {
                sql(c, "set local role careledger_app");
                sql(c, "select app.set_current_user('" + SANJEEVANI_BILLING + "', '" + TestSessions.proof(c.getCatalog(), SANJEEVANI_BILLING)
                        + "'), app.set_current_tenant('" + SANJEEVANI + "')");
                String bill = sql(c, "select app.create_bill('" + SANJEEVANI + "', '" + ANIL_AT_SANJEEVANI + "')");
                sql(c, "select app.add_bill_service('" + bill + "', '" + SANJEEVANI_CONSULTATION + "', 1)");
                sql(c, "select app.issue_bill('" + bill + "')");

                assertThat(payAsLaterMigrationsWill(c, bill, 20000)).isEqualTo("partially_paid 30000");
                assertThat(cancelFails(c, bill)).contains("only a draft or an unpaid issued bill can be cancelled");
                assertThat(payAsLaterMigrationsWill(c, bill, 50000)).isEqualTo("paid 0");
                assertThat(cancelFails(c, bill)).contains("only a draft or an unpaid issued bill can be cancelled");
                assertThat(payAsLaterMigrationsWill(c, bill, 0)).isEqualTo("issued 50000");  // all refunded
                sql(c, "reset role");
                assertThat(failure(c, "update bills set paid_paise = 50001 where id = '" + bill + "'"))
                        .containsAnyOf("bills_paid_within_total", "bills_status_matches_payment");
            } finally {
                c.rollback();
            }
        }
    }

    @Test
    void theStatusOfAPaymentFollowsFromPaidAndTotal() throws SQLException {
        assertThat(app.strings("select app.bill_status_for_payment(t, p)::text from (values (100::bigint, 0::bigint), (100, 1), (100, 99), (100, 100)) v(t, p)"))
                .containsExactly("issued", "partially_paid", "partially_paid", "paid");
    }

    @Test
    void aCashierWithoutBillingManageReadsBillsButCannotChangeThem() throws SQLException {
        // demo: the billing kind holds both billing.manage and cash.collect; take billing.manage away in this transaction
        try (Connection c = TestDatabase.connectAsSuperuser()) {
            c.setAutoCommit(false);
            try {
                sql(c, "delete from facility_staff_permissions where facility_id = '" + SANJEEVANI
                        + "' and kind = 'billing' and permission = 'billing.manage'");
                sql(c, "set local role careledger_app");
                sql(c, "select app.set_current_user('" + SANJEEVANI_BILLING + "', '" + TestSessions.proof(c.getCatalog(), SANJEEVANI_BILLING)
                        + "'), app.set_current_tenant('" + SANJEEVANI + "')");
                assertThat(sql(c, "select count(*) from bills where id = '" + SUNITA_ISSUED_BILL + "'")).isEqualTo("1");
                assertThat(failure(c, "select app.create_bill('" + SANJEEVANI + "', '" + ANIL_AT_SANJEEVANI + "')"))
                        .contains("row-level security");
                assertThat(failure(c, "select app.issue_bill('" + ANIL_DRAFT_BILL + "')")).contains("needs billing.manage");
                assertThat(failure(c, "select app.cancel_bill('" + ANIL_DRAFT_BILL + "', 'no reason at all')")).contains("not found");
            } finally {
                c.rollback();
            }
        }
    }

    private static String payAsLaterMigrationsWill(Connection c, String bill, long paidPaise) throws SQLException {
        sql(c, "reset role");
        sql(c, "update bills set paid_paise = " + paidPaise + " where id = '" + bill + "'");
        sql(c, "set local role careledger_app");
        return sql(c, "select status || ' ' || amount_due_paise from bills where id = '" + bill + "'");
    }

    private static String cancelFails(Connection c, String bill) throws SQLException {
        return failure(c, "select app.cancel_bill('" + bill + "', 'Wrong bill')");
    }

    private static String sql(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            if (!st.execute(sql)) {
                return null;
            }
            try (ResultSet rs = st.getResultSet()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Runs a statement that must fail, in a savepoint, and returns its message. */
    private static String failure(Connection c, String sql) throws SQLException {
        var savepoint = c.setSavepoint();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.execute();
        } catch (SQLException e) {
            c.rollback(savepoint);
            return e.getMessage();
        }
        throw new AssertionError("expected to fail: " + sql);
    }
}
