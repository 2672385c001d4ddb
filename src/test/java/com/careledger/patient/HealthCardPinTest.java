package com.careledger.patient;

import static com.careledger.test.TestDatabase.ANIL_CARD;
import static com.careledger.test.TestDatabase.AROGYA;
import static com.careledger.test.TestDatabase.AROGYA_ADMIN;
import static com.careledger.test.TestDatabase.PATIENT_ANIL;
import static com.careledger.test.TestDatabase.RAHUL_CARD;
import static com.careledger.test.TestDatabase.RAHUL_CARD_NUMBER;
import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_ADMIN;
import static com.careledger.test.TestDatabase.SANJEEVANI_BILLING;
import static com.careledger.test.TestDatabase.SANJEEVANI_DOCTOR;
import static com.careledger.test.TestDatabase.SUNITA_CARD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

import com.careledger.test.AppSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Health card PINs: set, verified, locked after five wrong tries, reset by a new PIN; and linking a card with its PIN. */
class HealthCardPinTest {

    /** Stands in for the app's configured PIN key (32+ characters). */
    static final String PIN_KEY = "test-pin-key-0123456789abcdefghijklmnop";
    static final String PIN = "4829";

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
    void theRightPinVerifiesAndAWrongOneDoesNot() throws SQLException {
        tx.as(SANJEEVANI_BILLING, SANJEEVANI);
        setPin(ANIL_CARD, PIN);
        assertThat(verify(ANIL_CARD, PIN)).isTrue();
        assertThat(verify(ANIL_CARD, "4828")).isFalse();
        assertThat(verify(ANIL_CARD, "48290")).isFalse();
        assertThat(state(ANIL_CARD)).containsExactly("t", "f", "2");
    }

    @Test
    void theKeyIsPartOfThePin() throws SQLException {
        tx.as(SANJEEVANI_BILLING, SANJEEVANI);
        setPin(ANIL_CARD, PIN);
        assertThat(tx.bool("select app.verify_card_pin(?, ?, ?)", ANIL_CARD, PIN, PIN_KEY.replace('0', 'O'))).isFalse();
    }

    @Test
    void fiveWrongPinsInARowLockTheCardEvenAgainstTheRightPin() throws SQLException {
        tx.as(SANJEEVANI_BILLING, SANJEEVANI);
        setPin(ANIL_CARD, PIN);
        for (String wrong : List.of("0000", "1111", "5555", "4820", "9482")) {
            assertThat(verify(ANIL_CARD, wrong)).as(wrong).isFalse();
        }
        assertThat(state(ANIL_CARD)).containsExactly("t", "t", "5");
        assertThat(verify(ANIL_CARD, PIN)).isFalse();
        assertThat(state(ANIL_CARD)).as("a locked card counts no further").containsExactly("t", "t", "5");
    }

    @Test
    void aRightPinResetsTheCountOfWrongOnes() throws SQLException {
        tx.as(SANJEEVANI_BILLING, SANJEEVANI);
        setPin(ANIL_CARD, PIN);
        for (int round = 0; round < 3; round++) {
            for (String wrong : List.of("0000", "1111", "5555", "4820")) {
                assertThat(verify(ANIL_CARD, wrong)).isFalse();
            }
            assertThat(state(ANIL_CARD)).containsExactly("t", "f", "4");
            assertThat(verify(ANIL_CARD, PIN)).isTrue();
            assertThat(state(ANIL_CARD)).containsExactly("t", "f", "0");
        }
    }

    @Test
    void aNewPinUnlocksALockedCard() throws SQLException {
        tx.as(SANJEEVANI_BILLING, SANJEEVANI);
        setPin(ANIL_CARD, PIN);
        for (int i = 0; i < 5; i++) {
            verify(ANIL_CARD, "0000");
        }
        assertThat(state(ANIL_CARD).get(1)).isEqualTo("t");
        // the holder sets a new one from the portal
        tx.as(PATIENT_ANIL, null);
        setPin(ANIL_CARD, "730519");
        assertThat(state(ANIL_CARD)).containsExactly("t", "f", "0");
        assertThat(verify(ANIL_CARD, PIN)).isFalse();
        assertThat(verify(ANIL_CARD, "730519")).isTrue();
    }

    @Test
    void aCardWithoutPinVerifiesNothing() throws SQLException {
        tx.as(SANJEEVANI_BILLING, SANJEEVANI);
        assertThat(state(ANIL_CARD)).containsExactly("f", "f", "0");
        assertThat(verify(ANIL_CARD, PIN)).isFalse();
    }

    @Test
    void pinsAreFourToSixDigitsAndNotTheObviousOnes() throws SQLException {
        tx.as(SANJEEVANI_BILLING, SANJEEVANI);
        for (String malformed : List.of("123", "1234567", "12a4", " 4829", "")) {
            assertThatThrownBy(() -> setPin(ANIL_CARD, malformed)).as("'%s'", malformed).hasMessageContaining("4 to 6 digits");
        }
        for (String obvious : List.of("0000", "777777", "1234", "3456", "987654", "6543")) {
            assertThatThrownBy(() -> setPin(ANIL_CARD, obvious)).as(obvious).hasMessageContaining("too easy to guess");
        }
        assertThatThrownBy(() -> tx.execute("select app.verify_card_pin(?, ?, ?)", ANIL_CARD, "12", PIN_KEY))
                .hasMessageContaining("4 to 6 digits");
    }

    @Test
    void aMissingOrShortKeyIsRefused() throws SQLException {
        tx.as(SANJEEVANI_BILLING, SANJEEVANI);
        for (String key : new String[] {null, "", "short-key"}) {
            assertThatThrownBy(() -> tx.execute("select app.set_card_pin(?, ?, ?)", ANIL_CARD, PIN, key))
                    .hasMessageContaining("PIN key from configuration is missing or shorter than 32 characters")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(PIN));
        }
    }

    @Test
    void onlyTheHolderOrStaffWhereTheCardIsRegisteredSetAPin() throws SQLException {
        tx.as(PATIENT_ANIL, null);
        setPin(ANIL_CARD, PIN);
        assertThatThrownBy(() -> setPin(SUNITA_CARD, PIN)).as("another person's card").hasMessageContaining("not allowed");
        // Sunita is registered at Sanjeevani only
        tx.as(AROGYA_ADMIN, AROGYA);
        assertThatThrownBy(() -> setPin(SUNITA_CARD, PIN)).hasMessageContaining("not allowed");
        assertThatThrownBy(() -> tx.execute("select app.verify_card_pin(?, ?, ?)", SUNITA_CARD, PIN, PIN_KEY))
                .hasMessageContaining("not allowed");
        tx.as(SANJEEVANI_ADMIN, SANJEEVANI);
        setPin(SUNITA_CARD, PIN);
    }

    @Test
    void theAppRoleCannotReadOrWritePinsDirectly() throws SQLException {
        tx.as(SANJEEVANI_ADMIN, SANJEEVANI);
        for (String sql : List.of("select * from health_card_pins",
                "update health_card_pins set failed_attempts = 0",
                "select app.check_card_pin('" + ANIL_CARD + "', '4829', '" + PIN_KEY + "')")) {
            assertThatThrownBy(() -> tx.execute(sql)).as(sql).hasMessageContaining("permission denied");
        }
    }

    @Test
    void aCardIsLinkedAtASecondFacilityOnlyWithItsPin() throws SQLException {
        // Rahul's card was issued at Arogya, which sets his PIN at the counter
        tx.as(AROGYA_ADMIN, AROGYA);
        setPin(RAHUL_CARD, PIN);
        // Rahul registers at Sanjeevani and presents his card there
        tx.as(SANJEEVANI_BILLING, SANJEEVANI);
        UUID rahul = UUID.fromString(tx.string("""
                insert into patients (facility_id, registration_number, full_name, phone)
                values (?, 'SMH-000900', 'Rahul Shinde', '+91 98500 10103') returning id""", SANJEEVANI));
        assertThat(tx.countOf("select 1 from health_cards where id = ?", RAHUL_CARD)).as("not visible before the link").isZero();

        assertThat(link(rahul, "8026 1200 0000 1041", "4820")).isFalse();
        assertThat(link(rahul, "8026120000001059", PIN)).as("unknown number").isFalse();
        assertThat(tx.string("select card_id::text from patients where id = ?", rahul)).isNull();

        assertThat(link(rahul, "8026 1200 0000 1041", PIN)).isTrue();
        assertThat(tx.string("select card_id::text from patients where id = ?", rahul)).isEqualTo(RAHUL_CARD.toString());
        assertThat(tx.strings("select card_number from health_cards where id = ?", RAHUL_CARD)).containsExactly(RAHUL_CARD_NUMBER);
        assertThat(state(RAHUL_CARD)).as("the right PIN reset the count").containsExactly("t", "f", "0");
    }

    @Test
    void linkingAtAFacilityNeedsPatientsManage() throws SQLException {
        tx.as(SANJEEVANI_DOCTOR, SANJEEVANI);
        assertThatThrownBy(() -> tx.execute("select app.link_health_card(?, ?, ?, ?)", UUID.randomUUID(), RAHUL_CARD_NUMBER, PIN, PIN_KEY))
                .hasMessageContaining("needs patients.manage");
    }

    @Test
    void issuingACardGivesAValidNumberAnEmptyClinicalRecordAndTheLink() throws SQLException {
        tx.as(SANJEEVANI_BILLING, SANJEEVANI);
        UUID patient = UUID.fromString(tx.string("""
                insert into patients (facility_id, registration_number, full_name)
                values (?, 'SMH-000901', 'Farida Shaikh') returning id""", SANJEEVANI));
        List<String> card = tx.table("select id::text, card_number, holder_name from app.issue_health_card(?)", patient).getFirst();
        assertThat(card.get(1)).matches("8[0-9]{15}");
        assertThat(tx.bool("select app.card_number_is_valid(?)", card.get(1))).isTrue();
        assertThat(card.get(2)).isEqualTo("Farida Shaikh");
        assertThat(tx.string("select card_id::text from patients where id = ?", patient)).isEqualTo(card.getFirst());
        assertThatThrownBy(() -> tx.execute("select app.issue_health_card(?)", patient)).hasMessageContaining("already has a health card");
        // the record starts empty, for the doctor to fill in
        tx.as(SANJEEVANI_DOCTOR, SANJEEVANI);
        assertThat(tx.strings("select clinical_shown || ' ' || allergies::text from app.read_health_card(?::uuid)", card.getFirst()))
                .containsExactly("true []");
    }

    @Test
    void theAppCannotAttachACardByWritingPatientsCardId() throws SQLException {
        tx.as(SANJEEVANI_BILLING, SANJEEVANI);
        assertThatThrownBy(() -> tx.execute("update patients set card_id = ? where registration_number = 'SMH-000102'", RAHUL_CARD))
                .hasMessageContaining("permission denied");
        assertThatThrownBy(() -> tx.execute("""
                insert into patients (facility_id, registration_number, full_name, card_id)
                values (?, 'SMH-000902', 'Rogue', ?)""", SANJEEVANI, RAHUL_CARD))
                .hasMessageContaining("permission denied");
        // the rest of the record stays editable
        assertThat(tx.update("update patients set phone = '+91 98500 20202' where registration_number = 'SMH-000102'")).isOne();
    }

    private void setPin(UUID card, String pin) throws SQLException {
        tx.execute("select app.set_card_pin(?, ?, ?)", card, pin, PIN_KEY);
    }

    private boolean verify(UUID card, String pin) throws SQLException {
        return tx.bool("select app.verify_card_pin(?, ?, ?)", card, pin, PIN_KEY);
    }

    private boolean link(UUID patient, String cardNumber, String pin) throws SQLException {
        return tx.bool("select app.link_health_card(?, ?, ?, ?)", patient, cardNumber, pin, PIN_KEY);
    }

    /** pin_set, locked, failed_attempts. */
    private List<String> state(UUID card) throws SQLException {
        return tx.table("select pin_set, locked, failed_attempts from app.card_pin_state(?)", card).getFirst();
    }
}
