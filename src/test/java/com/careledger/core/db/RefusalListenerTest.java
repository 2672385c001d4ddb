package com.careledger.core.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;

import com.careledger.test.TestDatabase;
import com.careledger.test.TestSessions;
import org.jooq.DSLContext;
import org.jooq.ExecuteListener;
import org.jooq.ExecuteListenerProvider;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The portal's jOOQ configuration turns the database's refusals into {@link Refusal}: Spring Boot's exception
 * translator makes every failure Spring's {@code DataAccessException} first, and the refusal listener, after it,
 * replaces that where the database refused the call.
 */
@SpringBootTest
class RefusalListenerTest {

    @Autowired
    DSLContext db;

    @Autowired
    PlatformTransactionManager transactions;

    private void raise(DSLContext dsl, String sqlState) {
        DbContext.runAs(TestSessions.context(TestDatabase.SANJEEVANI_ADMIN, TestDatabase.SANJEEVANI),
                () -> new TransactionTemplate(transactions).executeWithoutResult(status -> dsl.execute(
                        "do $$ begin raise exception 'no, because' using errcode = '" + sqlState + "'; end $$")));
    }

    @Test
    void aRefusalArrivesAsARefusalWithTheDatabasesOwnMessage() {
        assertThatThrownBy(() -> raise(db, "55000")).isInstanceOfSatisfying(Refusal.class, r -> {
            assertThat(r.kind()).isEqualTo(Refusal.Kind.WRONG_STATE);
            assertThat(r.sqlState()).isEqualTo("55000");
            assertThat(r.getMessage()).isEqualTo("no, because");
        });
        assertThatThrownBy(() -> raise(db, "P0001")).isInstanceOfSatisfying(Refusal.class,
                r -> assertThat(r.kind()).isEqualTo(Refusal.Kind.INVALID));
    }

    @Test
    void aFaultIsNoRefusalAndStaysSpringsTranslation() {
        assertThatThrownBy(() -> raise(db, "42P01")).isInstanceOf(BadSqlGrammarException.class)
                .isNotInstanceOf(Refusal.class);
    }

    /** Without the listener the caller would get Spring's exception, which a catch of jOOQ's exception never sees. */
    @Test
    void withoutTheListenerSpringsTranslatorDecides() {
        ExecuteListenerProvider[] others = Arrays.stream(db.configuration().executeListenerProviders())
                .filter(p -> p.provide() != Refusal.listener())
                .toArray(ExecuteListenerProvider[]::new);
        DSLContext withoutRefusals = db.configuration().derive(others).dsl();
        assertThatThrownBy(() -> raise(withoutRefusals, "23514")).isInstanceOf(DataIntegrityViolationException.class)
                .isNotInstanceOf(org.jooq.exception.DataAccessException.class);
    }

    @Test
    void theListenerComesAfterSpringBootsExceptionTranslator() {
        List<ExecuteListener> listeners = Arrays.stream(db.configuration().executeListenerProviders())
                .map(ExecuteListenerProvider::provide).toList();
        int translator = -1;
        for (int i = 0; i < listeners.size(); i++) {
            if (listeners.get(i) instanceof org.springframework.boot.jooq.autoconfigure.ExceptionTranslatorExecuteListener) {
                translator = i;
            }
        }
        assertThat(translator).as("Spring Boot's translator is configured").isNotNegative();
        assertThat(listeners.indexOf(Refusal.listener())).isGreaterThan(translator);
    }

    @Test
    void sqlStatesThatAreNoRefusal() {
        assertThat(Refusal.kindOf("42501")).isEqualTo(Refusal.Kind.NOT_ALLOWED);
        assertThat(Refusal.kindOf("P0002")).isEqualTo(Refusal.Kind.NOT_FOUND);
        assertThat(Refusal.kindOf("23505")).isEqualTo(Refusal.Kind.CONFLICT);
        assertThat(Refusal.kindOf("40P01")).isEqualTo(Refusal.Kind.BUSY);
        assertThat(Refusal.kindOf("22023")).isEqualTo(Refusal.Kind.INVALID);
        assertThat(Refusal.kindOf("23503")).isEqualTo(Refusal.Kind.INVALID);
        for (String fault : List.of("08006", "42601", "42P01", "53300", "57014", "XX000")) {
            assertThat(Refusal.kindOf(fault)).as(fault).isNull();
        }
    }
}
