package com.careledger.ledger;

import static com.careledger.payment.OnlinePayments.PAYMENT_WEBHOOK;
import static com.careledger.payment.OnlinePayments.SUPER_ADMIN;
import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import java.util.function.Consumer;

import com.careledger.core.db.DbContext;
import com.careledger.core.db.RlsTransactionManager;
import com.careledger.db.public_.enums.LedgerAccount;
import com.careledger.db.public_.enums.PaymentGateway;
import com.careledger.ledger.domain.LedgerRepository;
import com.careledger.ledger.domain.OwnerQuestions;
import com.careledger.test.TestDatabase;
import com.careledger.test.TestSessions;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * LedgerRepository over the ledger's balances and the owner's three questions (app.account_balance, app.trial_balance,
 * app.commission_pending, app.held_for_platform, app.pending_since_last_settlement), as the portal calls it: through
 * the RLS transaction manager, rolled back.
 */
class LedgerRepositoryTest {

    private final javax.sql.DataSource dataSource = TestDatabase.appDataSource();
    private final TransactionTemplate tx = new TransactionTemplate(new RlsTransactionManager(dataSource));
    private final DSLContext db = DSL.using(new TransactionAwareDataSourceProxy(dataSource), SQLDialect.POSTGRES);
    private final LedgerRepository ledger = new LedgerRepository(db);

    private void inRolledBackTransaction(DbContext context, Consumer<LedgerRepository> work) {
        DbContext.runAs(context, () -> tx.executeWithoutResult(status -> {
            work.accept(ledger);
            status.setRollbackOnly();
        }));
    }

    /** The worked online example at a new facility: ₹10 000 by card at 1.10 % / 1.20 %, GST 18 %. */
    private UUID facilityWithTheWorkedCapture() {
        UUID facility = db.fetchSingle("""
                select app.onboard_facility('Ledger Repo Hospital', 'Ledger Repo Hospital Private Limited', 'hospital',
                       'Satara', '27', '27AAECS9876K1Z3', 'admin@ledger-repo.test', 'Admin',
                       '{"gst_rate": 0.18, "cash_commission_applies": false, "cash_commission_type": "percentage",
                         "gst_on_cash_commission": true, "refund_gateway_fee_bearer": "platform", "tds_rate": 0,
                         "settlement_cycle": "weekly", "minimum_payout_paise": 0, "netting_allowed": true}'::jsonb,
                       '[{"method": "card", "gateway_mdr": 0.011, "platform_mdr": 0.012},
                         {"method": "upi", "gateway_mdr": 0, "platform_mdr": 0},
                         {"method": "rupay_debit", "gateway_mdr": 0, "platform_mdr": 0},
                         {"method": "netbanking", "gateway_mdr": 0.015, "platform_mdr": 0.017},
                         {"method": "wallet", "gateway_mdr": 0.018, "platform_mdr": 0.02}]'::jsonb)""").into(UUID.class);
        db.execute("select app.set_current_tenant(?)", facility);
        UUID patient = db.fetchSingle("insert into patients (facility_id, registration_number, full_name) "
                + "values (?, 'P-LEDGER-1', 'Ledger Patient') returning id", facility).into(UUID.class);
        UUID service = db.fetchSingle("insert into services (facility_id, code, name, category, price_paise, hsn_sac_code, gst_rate) "
                + "values (?, 'SLEDGER', 'Procedure', 'procedure', 1000000, '999312', 0) returning id", facility).into(UUID.class);
        UUID bill = db.fetchSingle("select app.create_bill(?, ?)", facility, patient).into(UUID.class);
        db.execute("select app.add_bill_service(?, ?, 1)", bill, service);
        db.execute("select app.issue_bill(?)", bill);
        db.execute("select app.create_payment_order(?, 'razorpay', 'order_ledger_repo', 1000000)", bill);
        // the capture is the gateway's: recorded as the payment webhook, then back to the super admin
        db.execute("select app.set_current_user(?, ?), app.set_current_tenant(?)", PAYMENT_WEBHOOK,
                TestSessions.proofOrNone(com.careledger.core.db.embedded.EmbeddedPostgresAutoConfiguration.DATABASE, PAYMENT_WEBHOOK), facility);
        db.execute("select app.capture_payment(?, 'razorpay', 'order_ledger_repo', 'pay_ledger_repo', 'card', 1000000)", bill);
        db.execute("select app.set_current_user(?, ?), app.set_current_tenant(?)", SUPER_ADMIN,
                TestSessions.proofOrNone(com.careledger.core.db.embedded.EmbeddedPostgresAutoConfiguration.DATABASE, SUPER_ADMIN), facility);
        return facility;
    }

    @Test
    void theSuperAdminReadsBalancesAndTheQuestionsOfAFacility() {
        inRolledBackTransaction(TestSessions.context(SUPER_ADMIN, null), repo -> {
            UUID facility = facilityWithTheWorkedCapture();

            assertThat(repo.balance(facility, LedgerAccount.gateway_clearing, PaymentGateway.razorpay)).isEqualTo(987_020);
            assertThat(repo.balance(facility, LedgerAccount.facility_payable, null)).isEqualTo(985_840);
            assertThat(repo.trialBalance(facility))
                    .extracting(LedgerRepository.TrialBalanceLine::balancePaise).containsOnlyOnce(987_020L).doesNotContain(-1L)
                    .satisfies(balances -> assertThat(balances.stream().mapToLong(Long::longValue).sum()).isZero());
            assertThat(repo.commissionPending(facility))
                    .containsExactly(new OwnerQuestions.CommissionPending(facility, 0, 0, 0, 1_000, 1_000));
            assertThat(repo.heldForPlatform(facility)).containsExactly(new OwnerQuestions.HeldForPlatform(facility, 0));
            assertThat(repo.pendingSinceLastSettlement(facility))
                    .containsExactly(new OwnerQuestions.PendingSinceLastSettlement(facility, null, 985_840, 985_840));
        });
    }

    @Test
    void aFacilityAdminIsAnsweredForTheirFacilityOnly() {
        inRolledBackTransaction(TestSessions.context(SANJEEVANI_ADMIN, SANJEEVANI), repo -> {
            assertThat(repo.commissionPending(null)).extracting(OwnerQuestions.CommissionPending::facilityId)
                    .containsExactly(SANJEEVANI);
            assertThat(repo.heldForPlatform(UUID.randomUUID())).isEmpty();
            assertThat(OwnerQuestions.CommissionPending.total(repo.commissionPending(null)).totalPaise())
                    .isEqualTo(repo.commissionPending(SANJEEVANI).getFirst().totalPaise());
        });
    }
}
