package com.careledger.cash;

import static com.careledger.payment.OnlinePayments.PAYMENT_WEBHOOK;
import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_ADMIN;
import static com.careledger.test.TestDatabase.SANJEEVANI_BILLING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import com.careledger.cash.domain.CashCounterRepository;
import com.careledger.core.db.DbContext;
import com.careledger.core.db.Refusal;
import com.careledger.core.db.RlsTransactionManager;
import com.careledger.db.public_.enums.CashierShiftStatus;
import com.careledger.db.public_.enums.PaymentGateway;
import com.careledger.db.public_.enums.PaymentMethod;
import com.careledger.payment.domain.PaymentRepository;
import com.careledger.test.TestDatabase;
import com.careledger.test.TestSessions;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.jooq.impl.DefaultConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The counter and payment repositories as the portal calls them, through the RLS transaction manager, on the demo
 * data (Sanjeevani's billing clerk; Anil's issued bill of ₹850), rolled back: figures, and the database's refusals
 * arriving as {@link Refusal} with its own message.
 */
class CashCounterRepositoryTest {

    private static final UUID ANIL_ISSUED_BILL = UUID.fromString("b1110000-0000-4000-8000-000000000101");

    private final javax.sql.DataSource dataSource = TestDatabase.appDataSource();
    private final TransactionTemplate tx = new TransactionTemplate(new RlsTransactionManager(dataSource));
    /** Built as the portal's is: refusals arrive as {@link Refusal} through its listener. */
    private final DSLContext db = DSL.using(new DefaultConfiguration()
            .set(new TransactionAwareDataSourceProxy(dataSource))
            .set(SQLDialect.POSTGRES)
            .set(Refusal.listener()));
    private final CashCounterRepository counter = new CashCounterRepository(db);
    private final PaymentRepository payments = new PaymentRepository(db);

    private void inRolledBackTransaction(DbContext context, Consumer<DSLContext> work) {
        DbContext.runAs(context, () -> tx.executeWithoutResult(status -> {
            work.accept(db);
            status.setRollbackOnly();
        }));
    }

    @Test
    void aClerkOpensCollectsSplitTenderAndClosesWithTheVariance() {
        inRolledBackTransaction(TestSessions.context(SANJEEVANI_BILLING, SANJEEVANI), db -> {
            long total = db.fetchSingle("select total_paise from bills where id = ?", ANIL_ISSUED_BILL).into(Long.class);
            UUID shift = counter.openShift(50_000);
            assertThat(counter.openShift()).hasValueSatisfying(s -> assertThat(s.id()).isEqualTo(shift));

            // the clerk creates the order; the gateway's capture of it is recorded as the payment webhook
            payments.createOrder(ANIL_ISSUED_BILL, PaymentGateway.razorpay, "order_repo_1", 20_000);
            db.execute("select app.set_current_user(?, ?), app.set_current_tenant(?)", PAYMENT_WEBHOOK,
                TestSessions.proofOrNone(com.careledger.core.db.embedded.EmbeddedPostgresAutoConfiguration.DATABASE, PAYMENT_WEBHOOK), SANJEEVANI);
            payments.capture(ANIL_ISSUED_BILL, PaymentGateway.razorpay, "order_repo_1", "pay_repo_1", PaymentMethod.upi, 20_000);
            db.execute("select app.set_current_user(?, ?), app.set_current_tenant(?)", SANJEEVANI_BILLING,
                TestSessions.proofOrNone(com.careledger.core.db.embedded.EmbeddedPostgresAutoConfiguration.DATABASE, SANJEEVANI_BILLING), SANJEEVANI);
            UUID collection = counter.collect(ANIL_ISSUED_BILL, total - 20_000, "repo-cash-1");
            assertThat(counter.collect(ANIL_ISSUED_BILL, total - 20_000, "repo-cash-1")).as("a retry").isEqualTo(collection);
            assertThat(db.fetchSingle("select status::text from bills where id = ?", ANIL_ISSUED_BILL).into(String.class))
                    .isEqualTo("paid");

            CashCounterRepository.Shift closed = counter.closeShift(shift, 50_000 + total - 20_000 - 100);
            assertThat(closed.status()).isEqualTo(CashierShiftStatus.closed);
            assertThat(List.of(closed.collectedPaise(), closed.expectedPaise(), closed.variancePaise()))
                    .containsExactly(total - 20_000, 50_000 + total - 20_000, -100L);
            assertThat(counter.openShift()).isEmpty();
        });
    }

    /** A refusal ends its transaction (as a portal action would); each is tried in its own. */
    @Test
    void theDatabasesRefusalsArriveWithItsOwnMessage() {
        DbContext clerk = TestSessions.context(SANJEEVANI_BILLING, SANJEEVANI);
        inRolledBackTransaction(clerk, db -> assertThatThrownBy(() -> counter.collect(ANIL_ISSUED_BILL, 100, "repo-no-shift"))
                .isInstanceOfSatisfying(Refusal.class, r -> {
                    assertThat(r.kind()).isEqualTo(Refusal.Kind.WRONG_STATE);
                    assertThat(r.getMessage()).isEqualTo("no open shift: open a cash shift before collecting cash");
                }));
        inRolledBackTransaction(clerk, db -> {
            counter.openShift(0);
            assertThatThrownBy(() -> counter.collect(ANIL_ISSUED_BILL, 99_999_999, "repo-too-much"))
                    .isInstanceOfSatisfying(Refusal.class, r -> {
                        assertThat(r.kind()).isEqualTo(Refusal.Kind.INVALID);
                        assertThat(r.getMessage()).contains("outstanding on bill").contains("give change");
                    });
        });
        inRolledBackTransaction(clerk, db -> {
            counter.openShift(0);
            assertThatThrownBy(() -> counter.openShift(0)).isInstanceOfSatisfying(Refusal.class,
                    r -> assertThat(r.kind()).isEqualTo(Refusal.Kind.CONFLICT));
        });
        inRolledBackTransaction(TestSessions.context(SANJEEVANI_ADMIN, SANJEEVANI), db ->
                assertThatThrownBy(() -> payments.recordGatewaySettlement(PaymentGateway.razorpay, "UTRREPO01",
                        java.time.LocalDate.now(), 1, List.of(UUID.randomUUID()), List.of()))
                        .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.kind()).isEqualTo(Refusal.Kind.NOT_ALLOWED)));
    }
}
