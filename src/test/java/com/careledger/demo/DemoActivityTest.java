package com.careledger.demo;

import static com.careledger.test.TestDatabase.AROGYA;
import static com.careledger.test.TestDatabase.AROGYA_ADMIN;
import static com.careledger.test.TestDatabase.PATIENT_ANIL;
import static com.careledger.test.TestDatabase.PATIENT_RAHUL;
import static com.careledger.test.TestDatabase.PRECISION_LAB;
import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_ADMIN;
import static com.careledger.test.TestDatabase.SANJEEVANI_BILLING;
import static com.careledger.test.TestDatabase.SUPER_ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.careledger.test.AppSession;
import com.careledger.test.DemoActivityDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo activity of db/demo-activity, in a database made as a first start of the portal makes it: every demo role
 * reads non-zero figures of its own through the app's roles and the reporting functions, and the ledger proves them.
 */
class DemoActivityTest {

    private static final Logger log = LoggerFactory.getLogger(DemoActivityTest.class);

    private static final UUID SHREE = UUID.fromString("0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0005");
    private static final List<UUID> ACTIVE = List.of(SANJEEVANI, AROGYA, PRECISION_LAB, SHREE);

    /** Money rows the super admin sees: what a second load must leave as they are. */
    private static final String MONEY_ROWS = """
            select (select count(*) from bills) + (select count(*) from bill_items) + (select count(*) from payments)
                 + (select count(*) from receipts) + (select count(*) from cash_collections)
                 + (select count(*) from cashier_shifts) + (select count(*) from payment_refunds)
                 + (select count(*) from cash_refunds) + (select count(*) from gateway_settlements)
                 + (select count(*) from settlements) + (select count(*) from settlement_allocations)
                 + (select count(*) from journal_entries) + (select count(*) from journal_lines)""";

    @BeforeAll
    static void load() {
        Duration activity = DemoActivityDatabase.migrated();
        log.info("The demo activity took {} ms to load", activity.toMillis());
    }

    @Test
    void theLedgerBalancesForEveryFacilityAndItsSourcesAgreeWithIt() throws Exception {
        try (AppSession s = DemoActivityDatabase.open().as(SUPER_ADMIN, null)) {
            assertThat(s.count("select sum(balance_paise) from app.trial_balance(null)")).isZero();
            for (UUID facility : ACTIVE) {
                assertThat(s.count("select sum(debit_paise) from app.trial_balance(?)", facility))
                        .as("postings at %s", facility).isPositive();
                assertThat(s.count("select sum(balance_paise) from app.trial_balance(?)", facility))
                        .as("trial balance of %s", facility).isZero();
            }
            assertThat(s.count("select count(*) from app.reconciliation(null)")).isPositive();
            assertThat(s.count("select coalesce(sum(abs(difference_paise)), 0) from app.reconciliation(null)"))
                    .as("the ledger against the rows it was posted from").isZero();
        }
    }

    @Test
    void eachFacilityAdminsThreeQuestionsHaveNonZeroAnswers() throws Exception {
        try (AppSession s = DemoActivityDatabase.open().as(SANJEEVANI_ADMIN, SANJEEVANI)) {
            assertThat(s.count("select total_paise from app.commission_pending(?)", SANJEEVANI)).isPositive();
            assertThat(s.count("select receivable_paise from app.held_for_platform(?)", SANJEEVANI)).isPositive();
            assertThat(s.string("select last_settlement_paid_at::text from app.pending_since_last_settlement(?)", SANJEEVANI))
                    .isNotNull();
            assertThat(s.count("select abs(change_since_paise) from app.pending_since_last_settlement(?)", SANJEEVANI))
                    .isPositive();
            // what the admin's facility shows: its settlements, one waiting for the admin, acknowledged
            assertThat(s.strings("select distinct settlement_status::text from settlements order by 1"))
                    .contains("pending", "approved", "paid");
            assertThat(s.count("select count(*) from settlements where facility_id <> ?", SANJEEVANI)).isZero();
        }
        try (AppSession s = DemoActivityDatabase.open().as(AROGYA_ADMIN, AROGYA)) {
            assertThat(s.count("select total_paise from app.commission_pending(?)", AROGYA)).isPositive();
            assertThat(s.count("select receivable_paise from app.held_for_platform(?)", AROGYA)).isPositive();
        }
    }

    @Test
    void theBillingClerkSeesNinetyDaysOfTheirCounter() throws Exception {
        try (AppSession s = DemoActivityDatabase.open().as(SANJEEVANI_BILLING, SANJEEVANI)) {
            assertThat(s.count("select count(*) from bills where status in ('issued', 'partially_paid', 'paid')"))
                    .isGreaterThan(50);
            assertThat(s.count("select count(distinct issued_on) from bills")).as("days with bills").isGreaterThan(45);
            assertThat(s.count("select app.ist_today() - min(issued_on) from bills")).isBetween(80L, 90L);
            assertThat(s.count("select count(*) from bills where status = 'paid'")).isPositive();
            assertThat(s.count("select coalesce(sum(amount_collected_paise), 0) from cash_collections")).isPositive();
            assertThat(s.count("select count(*) from cashier_shifts where status = 'closed'")).isGreaterThan(20);
            assertThat(s.count("select count(*) from receipts")).isPositive();
            assertThat(s.count("select count(*) from bills where facility_id <> ?", SANJEEVANI)).isZero();
        }
    }

    @Test
    void thePatientsSeeTheirOwnBillsAndReceipts() throws Exception {
        try (AppSession s = DemoActivityDatabase.open().as(PATIENT_ANIL, null)) {
            assertThat(s.currentRole()).isEqualTo(AppSession.PATIENT_ROLE);
            assertThat(s.count("select count(distinct facility_id) from bills")).as("Sanjeevani and Arogya").isEqualTo(2);
            assertThat(s.count("select count(*) from receipts")).isPositive();
            assertThat(s.count("select coalesce(sum(amount_paise), 0) from receipts")).isPositive();
            assertThat(s.count("select count(*) from bills b join patients p on p.id = b.patient_id where p.user_id <> ?",
                    PATIENT_ANIL)).isZero();
        }
        try (AppSession s = DemoActivityDatabase.open().as(PATIENT_RAHUL, null)) {
            assertThat(s.count("select count(*) from receipts")).isPositive();
        }
    }

    @Test
    void theSuperAdminSeesPlatformCommissionAndEveryStepOfTheMoney() throws Exception {
        try (AppSession s = DemoActivityDatabase.open().as(SUPER_ADMIN, null)) {
            assertThat(s.count("select commission_earned_paise from reporting_platform_summary")).isPositive();
            assertThat(s.count("select coalesce(sum(commission_online_paise + commission_cash_paise), 0) "
                    + "from app.report_facility_daily_revenue(app.ist_today() - 90, app.ist_today())")).isPositive();
            assertThat(s.count("select count(distinct day) from app.report_facility_daily_revenue(app.ist_today() - 90, "
                    + "app.ist_today()) where online_paise > 0 or cash_paise > 0")).as("days with money in the chart")
                    .isGreaterThan(45);
            assertThat(s.strings("select distinct settlement_status::text from settlements order by 1"))
                    .containsExactly("approved", "cancelled", "draft", "paid", "pending");
            assertThat(s.count("select count(*) from settlements where settlement_status = 'pending' "
                    + "and acknowledged_at is not null")).isPositive();
            assertThat(s.strings("select distinct status::text from gateway_settlements order by 1"))
                    .containsExactly("matched", "mismatched");
            assertThat(s.count("select count(*) from payment_refunds")).as("online refunds").isPositive();
            assertThat(s.count("select count(*) from cash_refunds")).as("cash refunds").isPositive();
            assertThat(s.count("select count(*) from payments where status = 'failed'")).as("declined attempts").isPositive();
            assertThat(s.count("select count(distinct (captured_at at time zone 'Asia/Kolkata')::date) from payments"))
                    .as("captures spread over the days").isGreaterThan(45);
        }
    }

    @Test
    void partitionUpkeepAtTheFirstStartFindsNothingItCannotMove() throws Exception {
        try (AppSession s = DemoActivityDatabase.open().as(SUPER_ADMIN, null)) {
            // what the portal's start-up job runs; settlements referenced by allocations cannot leave the default
            assertThat(s.count("select count(*) from app.maintain_partitions(null)")).isNotNegative();
            assertThat(s.count("select count(*) from settlements")).isPositive();
            assertThat(s.count("select count(*) from settlements where tableoid = 'settlements_default'::regclass"))
                    .isZero();
        }
    }

    @Test
    void loadingTheActivityAgainAddsNothing() throws Exception {
        long before;
        try (AppSession s = DemoActivityDatabase.open().as(SUPER_ADMIN, null)) {
            before = s.count(MONEY_ROWS);
        }
        log.info("The demo activity holds {} money rows", before);
        try (Connection c = DemoActivityDatabase.connectAsMigrator()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute(DemoActivityDatabase.activityScript());
            }
            c.commit();
        }
        try (AppSession s = DemoActivityDatabase.open().as(SUPER_ADMIN, null)) {
            assertThat(before).isGreaterThan(2000);
            assertThat(s.count(MONEY_ROWS)).isEqualTo(before);
        }
    }
}
