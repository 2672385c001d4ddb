package com.careledger.core.db;

import javax.sql.DataSource;

import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;
import org.jooq.ExecuteListenerProvider;
import org.jooq.impl.DefaultExecuteListenerProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The RLS-scoped connection: every database access runs in a transaction that carries the context, and a statement
 * the database refuses ends in a {@link Refusal}.
 */
@Configuration(proxyBeanMethods = false)
public class DatabaseConfiguration {

    @Bean
    RlsTransactionManager transactionManager(DataSource dataSource) {
        return new RlsTransactionManager(dataSource);
    }

    /** {@link RetryOnConflict} methods run again in a new transaction after a deadlock or serialization abort. */
    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE) // the proxy creator without AspectJ applies infrastructure advisors only
    static ConflictRetry conflictRetry() {
        return new ConflictRetry();
    }

    /**
     * The context is transaction-local, so a statement outside a transaction would run without it:
     * refuse it loudly instead of letting it see nothing (or, worse, reuse nothing by accident).
     */
    @Bean
    ExecuteListenerProvider requireTransaction() {
        return new DefaultExecuteListenerProvider(new ExecuteListener() {
            @Override
            public void start(ExecuteContext ctx) {
                if (!TransactionSynchronizationManager.isActualTransactionActive()) {
                    throw new IllegalStateException("Database access outside a transaction: the request context"
                            + " is transaction-local; annotate the caller @Transactional");
                }
            }
        });
    }

    /**
     * A statement the database refuses throws a {@link Refusal} with the database's own message, whichever repository
     * ran it. Spring Boot's jOOQ configuration translates every failure into Spring's {@code DataAccessException}
     * first (its listener has order 0, and listeners see a failure in their beans' order); this one comes after it and
     * replaces that exception where the failure is a refusal, so the caller receives the Refusal.
     */
    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    ExecuteListenerProvider refusals() {
        return new DefaultExecuteListenerProvider(Refusal.listener());
    }
}
