package com.careledger.core.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import com.careledger.settlement.domain.SettlementRepository;
import com.careledger.test.TestDatabase;
import com.careledger.test.TestSessions;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.springframework.aop.Advisor;
import org.springframework.aop.framework.Advised;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.interceptor.TransactionInterceptor;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A transaction the database aborts as a deadlock victim or a serialization failure is run again whole, in a new
 * transaction, by the portal's own proxies ({@link RetryOnConflict}); the user sees a plain "try again" only when every
 * attempt was aborted, and never a deadlock.
 *
 * <p>The retry's own rules are tried on plain jOOQ over the portal's connection, so what reaches the retry is the
 * driver's failure as jOOQ reports it; the last tests run the same on the portal's own {@code DSLContext}, where the
 * database's refusal arrives as a {@link Refusal} (its listener).
 */
@SpringBootTest
class ConflictRetryTest {

    @Autowired
    ApplicationContext context;

    @Autowired
    PlatformTransactionManager transactions;

    @Autowired
    DataSource dataSource;

    /** Aborted by the database in the first {@code aborts} attempts; records each attempt's transaction id. */
    @RetryOnConflict
    @Transactional
    public static class Flaky {

        @Autowired
        DSLContext db;

        int aborts;
        final List<Long> transactionIds = new ArrayList<>();

        public String run(String sqlState) {
            transactionIds.add(db.fetchSingle("select txid_current()").into(Long.class));
            if (transactionIds.size() <= aborts) {
                db.execute("do $$ begin raise exception 'aborted' using errcode = '" + sqlState + "'; end $$");
            }
            return "done";
        }
    }

    /** A proxied instance whose statements run on plain jOOQ (no listeners) over the portal's connection. */
    private Flaky flaky(int aborts) throws Exception {
        Flaky bean = portalFlaky(aborts);
        target(bean).db = DSL.using(new TransactionAwareDataSourceProxy(dataSource), SQLDialect.POSTGRES);
        return bean;
    }

    /** A proxied instance on the portal's DSLContext, made by the application's own post-processors as any bean is. */
    private Flaky portalFlaky(int aborts) throws Exception {
        Flaky bean = context.getAutowireCapableBeanFactory().createBean(Flaky.class);
        target(bean).aborts = aborts;
        return bean;
    }

    private static Flaky target(Flaky proxy) throws Exception {
        return (Flaky) ((Advised) proxy).getTargetSource().getTarget();
    }

    private static <T> T asAdmin(java.util.concurrent.Callable<T> work) throws Exception {
        return DbContext.callAs(TestSessions.context(TestDatabase.SANJEEVANI_ADMIN, TestDatabase.SANJEEVANI), work);
    }

    @Test
    void aDeadlockVictimRunsAgainInANewTransactionAndSucceeds() throws Exception {
        Flaky bean = flaky(1);
        assertThat(asAdmin(() -> bean.run("40P01"))).isEqualTo("done");
        List<Long> ids = target(bean).transactionIds;
        assertThat(ids).hasSize(2).doesNotHaveDuplicates();
    }

    @Test
    void aSerializationFailureRunsAgainToo() throws Exception {
        Flaky bean = flaky(2);
        assertThat(asAdmin(() -> bean.run("40001"))).isEqualTo("done");
        assertThat(target(bean).transactionIds).hasSize(3).doesNotHaveDuplicates();
    }

    @Test
    void afterTheLastAttemptTheCallerGetsATryAgainRefusalNotADeadlock() throws Exception {
        Flaky bean = flaky(Integer.MAX_VALUE);
        assertThatThrownBy(() -> asAdmin(() -> bean.run("40P01")))
                .isInstanceOfSatisfying(Refusal.class, r -> {
                    assertThat(r.kind()).isEqualTo(Refusal.Kind.BUSY);
                    assertThat(r.getMessage()).doesNotContainIgnoringCase("deadlock").contains("try again");
                });
        assertThat(target(bean).transactionIds).hasSize(ConflictRetry.ATTEMPTS);
    }

    @Test
    void otherRefusalsAreNotRunAgain() throws Exception {
        Flaky bean = flaky(1);
        assertThatThrownBy(() -> asAdmin(() -> bean.run("23514")))
                .hasRootCauseInstanceOf(java.sql.SQLException.class).isNotInstanceOf(Refusal.class);
        assertThat(target(bean).transactionIds).hasSize(1);
    }

    @Test
    void aCallThatJoinsItsCallersTransactionIsLeftToTheCaller() throws Exception {
        Flaky bean = flaky(1);
        TransactionTemplate outer = new TransactionTemplate(transactions);
        assertThatThrownBy(() -> asAdmin(() -> outer.execute(s -> bean.run("40P01"))))
                .satisfies(e -> assertThat(ConflictRetry.transientState(e)).isEqualTo("40P01"))
                .isNotInstanceOf(Refusal.class);
        assertThat(target(bean).transactionIds).hasSize(1);
    }

    /** In the portal's proxies the retry wraps the transaction, so an attempt never runs inside an aborted one. */
    @Test
    void theRetryWrapsTheTransactionOfTheRepositories() {
        Advisor[] advisors = ((Advised) context.getBean(SettlementRepository.class)).getAdvisors();
        List<Class<?>> advice = new ArrayList<>();
        for (Advisor a : advisors) {
            advice.add(a.getAdvice().getClass());
        }
        assertThat(advice).contains(ConflictRetry.class, TransactionInterceptor.class);
        assertThat(advice.indexOf(ConflictRetry.class)).isLessThan(advice.indexOf(TransactionInterceptor.class));
    }

    @Test
    void onThePortalsConnectionADeadlockVictimStillRunsAgain() throws Exception {
        Flaky bean = portalFlaky(1);
        assertThat(asAdmin(() -> bean.run("40P01"))).isEqualTo("done");
        assertThat(target(bean).transactionIds).hasSize(2).doesNotHaveDuplicates();

        Flaky always = portalFlaky(Integer.MAX_VALUE);
        assertThatThrownBy(() -> asAdmin(() -> always.run("40001")))
                .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.kind()).isEqualTo(Refusal.Kind.BUSY));
        assertThat(target(always).transactionIds).hasSize(ConflictRetry.ATTEMPTS);
    }

    @Test
    void onThePortalsConnectionARefusalArrivesAsOneAndIsNotRunAgain() throws Exception {
        Flaky bean = portalFlaky(1);
        assertThatThrownBy(() -> asAdmin(() -> bean.run("23514")))
                .isInstanceOfSatisfying(Refusal.class, r -> {
                    assertThat(r.kind()).isEqualTo(Refusal.Kind.INVALID);
                    assertThat(r.sqlState()).isEqualTo("23514");
                    assertThat(r.getMessage()).isEqualTo("aborted");
                });
        assertThat(target(bean).transactionIds).hasSize(1);
    }

    @Test
    void onThePortalsConnectionAJoinedCallsDeadlockReachesTheCallerAsBusyWithItsState() throws Exception {
        Flaky bean = portalFlaky(1);
        TransactionTemplate outer = new TransactionTemplate(transactions);
        assertThatThrownBy(() -> asAdmin(() -> outer.execute(s -> bean.run("40P01"))))
                .satisfies(e -> assertThat(ConflictRetry.transientState(e)).isEqualTo("40P01"))
                .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.kind()).isEqualTo(Refusal.Kind.BUSY));
        assertThat(target(bean).transactionIds).hasSize(1);
    }
}
