package com.careledger.patient;

import static com.careledger.test.TestDatabase.ANIL_AT_AROGYA;
import static com.careledger.test.TestDatabase.ANIL_AT_SANJEEVANI;
import static com.careledger.test.TestDatabase.ANIL_CARD;
import static com.careledger.test.TestDatabase.AROGYA;
import static com.careledger.test.TestDatabase.AROGYA_ADMIN;
import static com.careledger.test.TestDatabase.PATIENT_ANIL;
import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_BILLING;
import static com.careledger.test.TestDatabase.SANJEEVANI_DOCTOR;
import static com.careledger.test.TestDatabase.SUNITA_CARD;
import static com.careledger.test.TestDatabase.SUPER_ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

import com.careledger.test.AppSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** National ids: recorded as keyed hash + ciphertext + last four, found by hash within the context, read back only with the key. */
class NationalIdTest {

    /** Stand in for the app's configured keys. */
    static final String LOOKUP_KEY = "test-lookup-key-0123456789abcdefghijkl";
    static final String ENCRYPTION_KEY = "test-encryption-key-0123456789abcdefgh";
    static final String AADHAAR = "2341 2341 2346";

    private AppSession tx;

    @BeforeEach
    void open() throws SQLException {
        tx = AppSession.open();
    }

    @AfterEach
    void rollBack() throws SQLException {
        tx.close();
    }

    @Test
    void aPatientIsFoundByAadhaarOnlyAmongTheFacilitiesTheContextMaySee() throws SQLException {
        tx.as(SANJEEVANI_BILLING, SANJEEVANI);
        record(ANIL_CARD, "aadhaar", AADHAAR);
        // however it is typed
        for (String typed : List.of("234123412346", "2341-2341-2346", " 2341 2341 2346 ")) {
            assertThat(find("aadhaar", typed)).as(typed).containsExactly(ANIL_AT_SANJEEVANI.toString());
        }
        // Anil's other record is Arogya's, and only Arogya finds it
        tx.as(AROGYA_ADMIN, AROGYA);
        assertThat(find("aadhaar", AADHAAR)).containsExactly(ANIL_AT_AROGYA.toString());
        tx.as(SUPER_ADMIN, null);
        assertThat(find("aadhaar", AADHAAR)).containsExactlyInAnyOrder(ANIL_AT_SANJEEVANI.toString(), ANIL_AT_AROGYA.toString());
        tx.as(PATIENT_ANIL, null);
        assertThat(find("aadhaar", AADHAAR)).isEmpty();
        tx.as(null, null);
        assertThat(find("aadhaar", AADHAAR)).isEmpty();
    }

    @Test
    void theLookupNeedsTheKeyAndTheKind() throws SQLException {
        tx.as(SANJEEVANI_BILLING, SANJEEVANI);
        record(ANIL_CARD, "aadhaar", AADHAAR);
        assertThat(tx.strings("select patient_id::text from app.find_patients_by_national_id('aadhaar', ?, ?)",
                AADHAAR, LOOKUP_KEY.toUpperCase())).isEmpty();
        assertThat(find("abha_number", "23412341234600")).isEmpty();
        assertThat(find("aadhaar", "2341 2341 2354")).isEmpty();
    }

    @Test
    void theAppReadsTheLastFourAndNeverTheHashOrTheCiphertext() throws SQLException {
        tx.as(SANJEEVANI_BILLING, SANJEEVANI);
        record(ANIL_CARD, "aadhaar", AADHAAR);
        record(ANIL_CARD, "pan", "abcpg1234k");
        assertThat(tx.table("select kind::text, last4 from national_ids where card_id = ? order by kind", ANIL_CARD))
                .containsExactly(List.of("aadhaar", "2346"), List.of("pan", "234K"));
        for (String column : List.of("lookup_hash", "ciphertext", "*")) {
            assertThatThrownBy(() -> tx.execute("select " + column + " from national_ids")).as(column)
                    .hasMessageContaining("permission denied");
        }
    }

    @Test
    void theNumberIsReadBackWithTheEncryptionKeyOnly() throws SQLException {
        tx.as(SANJEEVANI_BILLING, SANJEEVANI);
        record(ANIL_CARD, "aadhaar", AADHAAR);
        assertThat(tx.string("select app.reveal_national_id(?, 'aadhaar', ?)", ANIL_CARD, ENCRYPTION_KEY)).isEqualTo("234123412346");
        for (String wrongKey : List.of(LOOKUP_KEY, ENCRYPTION_KEY + "x", ENCRYPTION_KEY.toUpperCase())) {
            assertThatThrownBy(() -> tx.execute("select app.reveal_national_id(?, 'aadhaar', ?)", ANIL_CARD, wrongKey))
                    .hasMessageContaining("Wrong key or corrupt data");
        }
        // the holder may read his own
        tx.as(PATIENT_ANIL, null);
        assertThat(tx.string("select app.reveal_national_id(?, 'aadhaar', ?)", ANIL_CARD, ENCRYPTION_KEY)).isEqualTo("234123412346");
        // a doctor needs no national id
        tx.as(SANJEEVANI_DOCTOR, SANJEEVANI);
        assertThatThrownBy(() -> tx.execute("select app.reveal_national_id(?, 'aadhaar', ?)", ANIL_CARD, ENCRYPTION_KEY))
                .hasMessageContaining("not allowed");
    }

    @Test
    void malformedNumbersAndMisconfiguredKeysAreRefused() throws SQLException {
        tx.as(SANJEEVANI_BILLING, SANJEEVANI);
        for (String bad : List.of("2341 2341 2345", "1341 2341 2346", "2341 2341 234", "ABCD 2341 2346")) {
            assertThatThrownBy(() -> record(ANIL_CARD, "aadhaar", bad)).as(bad).hasMessageContaining("not a valid aadhaar number");
        }
        assertThatThrownBy(() -> tx.execute("select app.set_national_id(?, 'aadhaar', ?, ?, ?)", ANIL_CARD, AADHAAR, LOOKUP_KEY, LOOKUP_KEY))
                .hasMessageContaining("must differ");
        assertThatThrownBy(() -> tx.execute("select app.set_national_id(?, 'aadhaar', ?, ?, ?)", ANIL_CARD, AADHAAR, "short", ENCRYPTION_KEY))
                .hasMessageContaining("lookup key from configuration is missing")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("2346"));
    }

    @Test
    void oneNumberCannotSitOnTwoCards() throws SQLException {
        tx.as(SANJEEVANI_BILLING, SANJEEVANI);
        record(ANIL_CARD, "aadhaar", AADHAAR);
        assertThatThrownBy(() -> record(SUNITA_CARD, "aadhaar", AADHAAR))
                .hasMessageContaining("already recorded on another health card");
        // recording the same number again on the same card is fine
        record(ANIL_CARD, "aadhaar", AADHAAR);
    }

    @Test
    void onlyTheHolderOrStaffWhoManagePatientsWhereTheCardIsRegisteredRecordIds() throws SQLException {
        // Sunita is not registered at Arogya
        tx.as(AROGYA_ADMIN, AROGYA);
        assertThatThrownBy(() -> record(SUNITA_CARD, "aadhaar", AADHAAR)).hasMessageContaining("not allowed");
        // the doctor has no patients.manage
        tx.as(SANJEEVANI_DOCTOR, SANJEEVANI);
        assertThatThrownBy(() -> record(SUNITA_CARD, "aadhaar", AADHAAR)).hasMessageContaining("not allowed");
        tx.as(PATIENT_ANIL, null);
        record(ANIL_CARD, "passport", "z1234567");
        assertThat(tx.table("select kind::text, last4 from national_ids")).containsExactly(List.of("passport", "4567"));
    }

    @Test
    void nationalIdRowsAreIsolatedLikeTheCard() throws SQLException {
        tx.as(SANJEEVANI_BILLING, SANJEEVANI);
        record(ANIL_CARD, "aadhaar", AADHAAR);
        record(SUNITA_CARD, "aadhaar", validAadhaar());
        tx.as(AROGYA_ADMIN, AROGYA);
        assertThat(tx.strings("select card_id::text from national_ids")).containsExactly(ANIL_CARD.toString());
        tx.as(PATIENT_ANIL, null);
        assertThat(tx.strings("select card_id::text from national_ids")).containsExactly(ANIL_CARD.toString());
        tx.as(null, null);
        assertThat(tx.countOf("select 1 from national_ids")).isZero();
    }

    private String validAadhaar() throws SQLException {
        return tx.string("select n || app.verhoeff_check_digit(n) from (select '98765432101' as n) s");
    }

    private void record(UUID card, String kind, String value) throws SQLException {
        tx.execute("select app.set_national_id(?, ?::national_id_kind, ?, ?, ?)", card, kind, value, LOOKUP_KEY, ENCRYPTION_KEY);
    }

    private List<String> find(String kind, String value) throws SQLException {
        return tx.strings("select patient_id::text from app.find_patients_by_national_id(?::national_id_kind, ?, ?)",
                kind, value, LOOKUP_KEY);
    }
}
