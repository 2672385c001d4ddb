package com.careledger.patient;

import static com.careledger.test.TestDatabase.ANIL_CARD;
import static com.careledger.test.TestDatabase.PATIENT_ANIL;
import static com.careledger.test.TestDatabase.RAHUL_CARD;
import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_ADMIN;
import static com.careledger.test.TestDatabase.SANJEEVANI_BILLING;
import static com.careledger.test.TestDatabase.SANJEEVANI_DOCTOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.Consumer;

import com.careledger.core.db.DbContext;
import com.careledger.core.db.RlsTransactionManager;
import com.careledger.patient.domain.HealthCardKeys;
import com.careledger.patient.domain.HealthCardRepository;
import com.careledger.test.AppSession;
import com.careledger.test.TestDatabase;
import com.careledger.test.TestSessions;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.transaction.support.TransactionTemplate;

/** The keys come from configuration and travel as bind parameters; each test rolls back what it wrote. */
class HealthCardRepositoryTest {

    private static final HealthCardKeys KEYS = new HealthCardKeys("pin-key-for-tests-0123456789abcdef",
            "lookup-key-for-tests-0123456789abcdef", "encryption-key-for-tests-0123456789ab");

    private final javax.sql.DataSource dataSource = TestDatabase.appDataSource();
    private final TransactionTemplate tx = new TransactionTemplate(new RlsTransactionManager(dataSource));

    private HealthCardRepository repository(HealthCardKeys keys) {
        return new HealthCardRepository(DSL.using(new TransactionAwareDataSourceProxy(dataSource), SQLDialect.POSTGRES), keys);
    }

    private void inRolledBackTransaction(DbContext context, Consumer<HealthCardRepository> work) {
        HealthCardRepository cards = repository(KEYS);
        DbContext.runAs(context, () -> tx.executeWithoutResult(status -> {
            work.accept(cards);
            status.setRollbackOnly();
        }));
    }

    @Test
    void theHolderSetsAPinThatVerifiesAndAWrongOneThatDoesNot() throws Exception {
        inRolledBackTransaction(TestSessions.context(PATIENT_ANIL, null), cards -> {
            cards.setPin(ANIL_CARD, "4829");
            assertThat(cards.verifyPin(ANIL_CARD, "4829")).isTrue();
            assertThat(cards.verifyPin(ANIL_CARD, "4828")).isFalse();
        });
    }

    @Test
    void aNationalIdIsFoundByItsKeyedHashOnlyWhereTheUserWorks() throws Exception {
        inRolledBackTransaction(TestSessions.context(SANJEEVANI_BILLING, SANJEEVANI), cards -> {
            cards.setNationalId(ANIL_CARD, "passport", "K1234567");
            assertThat(cards.findByNationalId("passport", "K1234567"))
                    .extracting(HealthCardRepository.NationalIdMatch::facilityId).containsExactly(SANJEEVANI);
            assertThat(cards.findByNationalId("passport", "K1234568")).isEmpty();
        });
    }

    @Test
    void readingACardThroughTheRepositoryShowsWhatTheReaderMaySeeAndRecordsTheRead() throws Exception {
        inRolledBackTransaction(TestSessions.context(SANJEEVANI_DOCTOR, SANJEEVANI), cards -> {
            HealthCardRepository.HealthCardView card = cards.read(ANIL_CARD, "before prescribing").orElseThrow();
            assertThat(card.clinicalShown()).isTrue();
            assertThat(card.allergies()).contains("Penicillin");
            assertThat(card.insurance()).contains("Star Health");
            assertThat(cards.read(RAHUL_CARD, null)).as("not registered here").isEmpty();
        });
        inRolledBackTransaction(TestSessions.context(SANJEEVANI_BILLING, SANJEEVANI), cards -> {
            HealthCardRepository.HealthCardView card = cards.read(ANIL_CARD, null).orElseThrow();
            assertThat(card.clinicalShown()).isFalse();
            assertThat(card.allergies()).isNull();
            assertThat(card.bloodGroup()).isNull();
            assertThat(card.insurance()).contains("Star Health");
            assertThatThrownBy(() -> cards.read(ANIL_CARD, "x".repeat(201)))
                    .hasMessageContaining("plain text of at most 200 characters");
        });
        try (AppSession s = AppSession.open().as(SANJEEVANI_DOCTOR, SANJEEVANI)) {
            HealthCardRepository cards = new HealthCardRepository(DSL.using(s.connection(), SQLDialect.POSTGRES), KEYS);
            cards.read(ANIL_CARD, "before prescribing");
            s.as(SANJEEVANI_ADMIN, SANJEEVANI);
            assertThat(s.strings("select actor_user_id || ' ' || (new_values ->> 'purpose') from audit_log where operation = 'READ'"))
                    .containsExactly(SANJEEVANI_DOCTOR + " before prescribing");
        }
    }

    @Test
    void aMissingKeyIsAClearConfigurationError() throws Exception {
        HealthCardRepository cards = repository(new HealthCardKeys(null, null, null));
        assertThatThrownBy(() -> cards.verifyPin(ANIL_CARD, "4829"))
                .hasMessage("careledger.crypto.card-pin-key is not configured: health-card PINs and national ids need it");
        assertThat(new HealthCardKeys("secret-secret-secret-secret-secret", null, null).toString()).doesNotContain("secret");
    }
}
