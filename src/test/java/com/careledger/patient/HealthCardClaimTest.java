package com.careledger.patient;

import static com.careledger.test.TestDatabase.PATIENT_ANIL;
import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_BILLING;
import static com.careledger.test.TestDatabase.SUNITA_AT_SANJEEVANI;
import static com.careledger.test.TestDatabase.SUNITA_CARD;
import static com.careledger.test.TestDatabase.SUNITA_CARD_NUMBER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.careledger.test.TestDatabase;
import com.careledger.test.TestSessions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A person who signs up after their card was issued claims it with its number and PIN. Sign-ups are
 * not the app's to write, so the new patient sign-in is made as the definer role; everything else runs
 * as the app's role (SET ROLE careledger_app), in one rolled-back transaction.
 */
class HealthCardClaimTest {

    private static final UUID SUNITA_USER = UUID.fromString("5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5ef001");
    private static final String PIN = "2580";

    private Connection db;
    private String sunitaToken;

    @BeforeEach
    void sunitaSignsUpAndTheCounterGaveHerAPin() throws SQLException {
        db = TestDatabase.connectAsSuperuser();
        db.setAutoCommit(false);
        try (Statement st = db.createStatement()) {
            st.execute("set local role careledger_definer");
            st.execute("insert into users (id, email, display_name, password_hash, role) values ('" + SUNITA_USER
                    + "', 'sunita@example.test', 'Sunita Pawar', '!', 'patient')");
            sunitaToken = TestSessions.mintIn(db, SUNITA_USER);
            st.execute("set local role careledger_app");
        }
        as(SANJEEVANI_BILLING, SANJEEVANI);
        strings("select app.set_card_pin(?, ?, ?)", SUNITA_CARD, PIN, HealthCardPinTest.PIN_KEY);
    }

    @AfterEach
    void rollBack() throws SQLException {
        db.rollback();
        db.close();
    }

    @Test
    void withTheRightPinSheBecomesTheHolderAndSeesHerCardAndRecord() throws SQLException {
        as(SUNITA_USER, null);
        assertThat(strings("select id::text from health_cards")).isEmpty();
        assertThat(claim("8026 1200 0000 1025", "2581")).isFalse();
        assertThat(claim("8026 1200 0000 1059", PIN)).as("unknown number").isFalse();
        assertThat(strings("select id::text from health_cards")).isEmpty();

        assertThat(claim("8026 1200 0000 1025", PIN)).isTrue();
        assertThat(strings("select id::text from health_cards")).containsExactly(SUNITA_CARD.toString());
        assertThat(strings("select code from app.read_clinical_entries(?) where kind = 'allergy'", SUNITA_CARD))
                .as("her clinical record").containsExactly("Sulfonamides");
        assertThat(strings("select id::text from patients")).containsExactly(SUNITA_AT_SANJEEVANI.toString());
        assertThatThrownBy(() -> claimInSavepoint(SUNITA_CARD_NUMBER, PIN)).hasMessageContaining("already hold a health card");
    }

    @Test
    void aCardWithAHolderCannotBeClaimedAgainNorByStaff() throws SQLException {
        as(SUNITA_USER, null);
        assertThat(claim(SUNITA_CARD_NUMBER, PIN)).isTrue();
        as(PATIENT_ANIL, null);
        assertThatThrownBy(() -> claimInSavepoint(SUNITA_CARD_NUMBER, PIN)).hasMessageContaining("already hold a health card");
        as(SANJEEVANI_BILLING, SANJEEVANI);
        assertThatThrownBy(() -> claimInSavepoint(SUNITA_CARD_NUMBER, PIN)).hasMessageContaining("only a patient");
    }

    private boolean claim(String number, String pin) throws SQLException {
        return "t".equals(strings("select app.claim_health_card(?, ?, ?)", number, pin, HealthCardPinTest.PIN_KEY).getFirst());
    }

    private void claimInSavepoint(String number, String pin) throws SQLException {
        Savepoint savepoint = db.setSavepoint();
        try {
            claim(number, pin);
        } finally {
            db.rollback(savepoint);
        }
    }

    private void as(UUID user, UUID tenant) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("select app.set_current_user(?, ?), app.set_current_tenant(?)")) {
            ps.setObject(1, user, Types.OTHER);
            ps.setString(2, user.equals(SUNITA_USER) ? sunitaToken : TestSessions.proof(db.getCatalog(), user));
            ps.setObject(3, tenant, Types.OTHER);
            ps.execute();
        }
    }

    private List<String> strings(String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i], params[i] instanceof UUID ? Types.OTHER : Types.VARCHAR);
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<String> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
                return out;
            }
        }
    }
}
