package com.careledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.careledger.core.db.DatabaseExtensions;
import com.careledger.core.db.DbContext;
import com.careledger.test.TestDatabase;
import com.careledger.test.TestSessions;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The application context starts on the embedded database (with a mock servlet environment), and its start-up work
 * (extension report, partition upkeep) runs inside transactions, as every database access must.
 */
@SpringBootTest
class ApplicationStartupTest {

    @Autowired
    DatabaseExtensions extensions;

    @Autowired
    PlatformTransactionManager transactions;

    @Autowired
    DSLContext db;

    @Test
    void theContextStartsAndSeesTheRequiredExtensions() {
        assertThat(extensions.installed()).contains("pgcrypto", "pg_trgm", "btree_gin", "btree_gist", "uuid-ossp");
        assertThat(extensions.enumEqualityLeakproof()).isTrue();
    }

    /** As configured (readOnlyMode=ignore), a read-only transaction of the portal still keeps its verified context. */
    @Test
    void aReadOnlyTransactionOfThePortalKeepsItsVerifiedContext() {
        TransactionTemplate readOnly = new TransactionTemplate(transactions);
        readOnly.setReadOnly(true);
        String seen = DbContext.callAsUnchecked(TestSessions.context(TestDatabase.SANJEEVANI_ADMIN, TestDatabase.SANJEEVANI),
                () -> readOnly.execute(s -> db.fetchSingle(
                        "select current_setting('transaction_read_only') || ' ' || app.request_context_cached()").into(String.class)));
        assertThat(seen).isEqualTo("on true");
    }
}
