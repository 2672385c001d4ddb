package com.careledger.test;

import javax.sql.DataSource;

import com.careledger.core.db.RlsTransactionManager;
import com.careledger.core.db.SystemSecret;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.transaction.annotation.EnableTransactionManagement;

/**
 * The portal's database wiring without the rest of the application, for tests that start a small Spring context
 * around a few repositories and jobs: the app role's data source on {@link TestDatabase}, the RLS transaction manager,
 * jOOQ on it, and the job runner's secret of the tests ({@link TestSessions#systemSecret()}). Import it next to the
 * beans under test. Deliberately not a {@code @Configuration}: the application's component scan, which reaches the
 * test classes too, must not find it (an imported class is read as configuration all the same).
 */
@EnableTransactionManagement
public class RlsWiring {

    @Bean
    SystemSecret systemSecret() {
        return TestSessions.systemSecret();
    }

    @Bean
    DataSource dataSource() {
        return TestDatabase.appDataSource();
    }

    @Bean
    RlsTransactionManager transactionManager(DataSource dataSource) {
        return new RlsTransactionManager(dataSource);
    }

    @Bean
    DSLContext dsl(DataSource dataSource) {
        return DSL.using(new TransactionAwareDataSourceProxy(dataSource), SQLDialect.POSTGRES);
    }
}
