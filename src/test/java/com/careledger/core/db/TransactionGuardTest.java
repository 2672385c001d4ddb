package com.careledger.core.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.careledger.test.TestDatabase;
import com.careledger.test.TestSessions;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.jooq.impl.DefaultConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.transaction.support.TransactionTemplate;

/** A jOOQ statement outside a transaction would run without the request context: it is refused. */
class TransactionGuardTest {

    private final javax.sql.DataSource dataSource = TestDatabase.appDataSource();
    private final DSLContext db = DSL.using(new DefaultConfiguration()
            .set(new TransactionAwareDataSourceProxy(dataSource))
            .set(SQLDialect.POSTGRES)
            .set(new DatabaseConfiguration().requireTransaction()));

    @Test
    void aStatementOutsideATransactionIsRefused() {
        assertThatThrownBy(() -> db.fetchCount(DSL.table("facilities")))
                .hasMessageContaining("outside a transaction");
    }

    @Test
    void theSameStatementInsideATransactionRunsWithTheContext() {
        var tx = new TransactionTemplate(new RlsTransactionManager(dataSource));
        Integer count = DbContext.callAsUnchecked(TestSessions.context(TestDatabase.SUPER_ADMIN, null),
                () -> tx.execute(s -> db.fetchCount(DSL.table("facilities"))));
        assertThat(count).isEqualTo(TestDatabase.DEMO_FACILITIES);
    }
}
