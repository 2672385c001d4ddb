package com.careledger.settlement;

import static com.careledger.payment.OnlinePayments.SUPER_ADMIN;
import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_ADMIN;
import static com.careledger.test.TestDatabase.SANJEEVANI_BILLING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.UUID;
import java.util.function.Consumer;

import com.careledger.cash.domain.CashCounterRepository;
import com.careledger.core.db.DbContext;
import com.careledger.core.db.Refusal;
import com.careledger.core.db.RlsTransactionManager;
import com.careledger.db.public_.enums.SettlementDirection;
import com.careledger.db.public_.enums.SettlementStatus;
import com.careledger.db.public_.enums.SettlementType;
import com.careledger.settlement.domain.SettlementRepository;
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
 * The settlement repository as the portal calls it, on the demo data (Sanjeevani: 2 % + 18 % GST on cash), through
 * the RLS transaction manager, rolled back: the clerk collects Anil's bill, the super admin settles the commission,
 * the facility admin acknowledges it.
 */
class SettlementRepositoryTest {

    private static final UUID ANIL_ISSUED_BILL = UUID.fromString("b1110000-0000-4000-8000-000000000101");

    private final javax.sql.DataSource dataSource = TestDatabase.appDataSource();
    private final TransactionTemplate tx = new TransactionTemplate(new RlsTransactionManager(dataSource));
    /** Built as the portal's is: refusals arrive as {@link Refusal} through its listener. */
    private final DSLContext db = DSL.using(new DefaultConfiguration()
            .set(new TransactionAwareDataSourceProxy(dataSource))
            .set(SQLDialect.POSTGRES)
            .set(Refusal.listener()));
    private final SettlementRepository settlements = new SettlementRepository(db, event -> { });
    private final CashCounterRepository counter = new CashCounterRepository(db);

    private void inRolledBackTransaction(DbContext context, Consumer<DSLContext> work) {
        DbContext.runAs(context, () -> tx.executeWithoutResult(status -> {
            work.accept(db);
            status.setRollbackOnly();
        }));
    }

    private static long halfUp(long paise, String rate) {
        return new java.math.BigDecimal(paise).multiply(new java.math.BigDecimal(rate))
                .setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
    }

    /** Another user within the same transaction, the way the transaction manager sets one. */
    private void become(UUID user, UUID tenant) {
        db.execute("select app.set_current_user(?, ?), app.set_current_tenant(?)", user,
                TestSessions.proofOrNone(com.careledger.core.db.embedded.EmbeddedPostgresAutoConfiguration.DATABASE, user), tenant);
    }

    @Test
    void aCashCommissionSettlementFromDraftToPaid() {
        LocalDate today = LocalDate.now(ZoneId.of("Asia/Kolkata"));
        inRolledBackTransaction(TestSessions.context(SANJEEVANI_BILLING, SANJEEVANI), db -> {
            long total = db.fetchSingle("select total_paise from bills where id = ?", ANIL_ISSUED_BILL).into(Long.class);
            counter.openShift(0);
            counter.collect(ANIL_ISSUED_BILL, total, "settle-repo-1");
            long commission = halfUp(total, "0.02");
            long owed = commission + halfUp(commission, "0.18");

            become(SUPER_ADMIN, null);
            UUID draft = settlements.createDraft(SANJEEVANI, SettlementType.cash_commission, today, today, true);
            settlements.submit(draft);
            become(SANJEEVANI_ADMIN, SANJEEVANI);
            assertThat(settlements.list(null)).extracting(SettlementRepository.Settlement::id).contains(draft);
            settlements.acknowledge(draft);
            become(SUPER_ADMIN, null);
            settlements.approve(draft);
            UUID entry = settlements.pay(draft, "UTRREPO0001");

            SettlementRepository.Settlement paid = settlements.list(SANJEEVANI).getFirst();
            assertThat(paid.id()).isEqualTo(draft);
            assertThat(paid.status()).isEqualTo(SettlementStatus.paid);
            assertThat(paid.platformSharePaise()).isEqualTo(owed);
            assertThat(paid.hospitalSharePaise()).isZero();
            assertThat(paid.direction()).isEqualTo(SettlementDirection.facility_to_platform);
            assertThat(paid.bankReference()).isEqualTo("UTRREPO0001");
            assertThat(db.fetchSingle("select event_kind::text from journal_entries where id = ?", entry).into(String.class))
                    .isEqualTo("settlement_paid");
        });
    }

    @Test
    void staffCannotApproveAndTheRefusalSaysSo() {
        inRolledBackTransaction(TestSessions.context(SANJEEVANI_BILLING, SANJEEVANI), db ->
                assertThatThrownBy(() -> settlements.approve(UUID.randomUUID()))
                        .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.kind()).isEqualTo(Refusal.Kind.NOT_ALLOWED)));
    }
}
