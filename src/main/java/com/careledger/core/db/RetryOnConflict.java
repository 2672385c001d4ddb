package com.careledger.core.db;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The annotated method (or every method of the annotated class) is run again, in a new transaction, when PostgreSQL
 * aborts its transaction as a deadlock victim (40P01) or a serialization failure (40001): such an abort says nothing
 * about the request, only that another transaction touched the same rows at the same moment. The retry wraps the
 * transaction ({@link ConflictRetry} runs before the transaction interceptor), so each attempt starts clean; a call
 * that joins a caller's transaction is not retried (only the caller could start over). After the last attempt the
 * caller receives a {@link Refusal} of kind {@link Refusal.Kind#BUSY}, never a deadlock.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface RetryOnConflict {
}
