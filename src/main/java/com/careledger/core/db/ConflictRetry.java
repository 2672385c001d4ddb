package com.careledger.core.db;

import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.Pointcut;
import org.springframework.aop.ProxyMethodInvocation;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.core.Ordered;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Runs a {@link RetryOnConflict} method again when the database aborted its transaction as a deadlock victim or a
 * serialization failure: at most {@value #ATTEMPTS} attempts, with a short random pause between them so the racing
 * transactions do not meet again in step. Ordered first among the advisors, so it wraps the transaction interceptor
 * and every attempt is a transaction of its own.
 */
public final class ConflictRetry extends AbstractPointcutAdvisor implements MethodInterceptor {

    /** Attempts in all, the first included. */
    static final int ATTEMPTS = 4;

    /** SQLSTATEs that abort a transaction through no fault of its own. */
    static final Set<String> TRANSIENT = Set.of("40001", "40P01");

    private static final Logger log = LoggerFactory.getLogger(ConflictRetry.class);

    private final Pointcut pointcut = new ComposablePointcut(AnnotationMatchingPointcut.forClassAnnotation(RetryOnConflict.class))
            .union(AnnotationMatchingPointcut.forMethodAnnotation(RetryOnConflict.class));

    public ConflictRetry() {
        setOrder(Ordered.HIGHEST_PRECEDENCE);
    }

    @Override
    public Pointcut getPointcut() {
        return pointcut;
    }

    @Override
    public MethodInterceptor getAdvice() {
        return this;
    }

    @Override
    public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            return invocation.proceed(); // joined the caller's transaction: only the caller can start over
        }
        for (int attempt = 1; ; attempt++) {
            try {
                // a clone runs the rest of the chain again, the transaction interceptor included
                return invocation instanceof ProxyMethodInvocation p ? p.invocableClone().proceed() : invocation.proceed();
            } catch (RuntimeException e) {
                String state = transientState(e);
                if (state == null) {
                    throw e;
                }
                if (attempt == ATTEMPTS) {
                    throw Refusal.busy(state, e);
                }
                log.info("{} aborted by the database ({}), attempt {} of {}: running it again",
                        invocation.getMethod().getName(), state, attempt, ATTEMPTS);
                pause(attempt);
            }
        }
    }

    /** The transient SQLSTATE somewhere in the exception's causes, or null. */
    static @Nullable String transientState(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String state = t instanceof Refusal r ? r.sqlState() : t instanceof SQLException s ? s.getSQLState() : null;
            if (state != null && TRANSIENT.contains(state)) {
                return state;
            }
        }
        return null;
    }

    /** 5–20 ms after the first abort, doubling after each. */
    private static void pause(int attempt) throws InterruptedException {
        long base = 5L << (attempt - 1);
        Thread.sleep(base + ThreadLocalRandom.current().nextLong(base * 3 + 1));
    }
}
