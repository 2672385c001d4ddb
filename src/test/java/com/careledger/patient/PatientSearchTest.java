package com.careledger.patient;

import static com.careledger.test.TestDatabase.ANIL_AT_AROGYA;
import static com.careledger.test.TestDatabase.ANIL_AT_SANJEEVANI;
import static com.careledger.test.TestDatabase.AROGYA;
import static com.careledger.test.TestDatabase.AROGYA_ADMIN;
import static com.careledger.test.TestDatabase.PATIENT_ANIL;
import static com.careledger.test.TestDatabase.RAHUL_AT_AROGYA;
import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_ADMIN;
import static com.careledger.test.TestDatabase.SANJEEVANI_BILLING;
import static com.careledger.test.TestDatabase.SANJEEVANI_DOCTOR;
import static com.careledger.test.TestDatabase.SUNITA_AT_SANJEEVANI;
import static com.careledger.test.TestDatabase.SUPER_ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.List;

import com.careledger.test.AppSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** app.search_patients: by name, phone and card number, in the current facility only, clinical fields only with clinical.read. */
class PatientSearchTest {

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
    void byNameItFindsOnlyTheCurrentFacilitysRecord() throws SQLException {
        tx.as(SANJEEVANI_DOCTOR, SANJEEVANI);
        assertThat(search("anil")).containsExactly(ANIL_AT_SANJEEVANI.toString());
        assertThat(search("GAIKWAD")).containsExactly(ANIL_AT_SANJEEVANI.toString());
        tx.as(AROGYA_ADMIN, AROGYA);
        assertThat(search("anil")).containsExactly(ANIL_AT_AROGYA.toString());
        assertThat(search("Sunita")).as("registered at Sanjeevani only").isEmpty();
    }

    @Test
    void aTypoStillFindsTheName() throws SQLException {
        tx.as(SANJEEVANI_ADMIN, SANJEEVANI);
        assertThat(search("sunitha pawar")).containsExactly(SUNITA_AT_SANJEEVANI.toString());
        assertThat(search("Gaikwaad")).containsExactly(ANIL_AT_SANJEEVANI.toString());
    }

    @Test
    void byPartOfThePhoneOrTheCardNumber() throws SQLException {
        tx.as(SANJEEVANI_BILLING, SANJEEVANI);
        assertThat(search("10102")).as("phone +91 98500 10102").containsExactly(SUNITA_AT_SANJEEVANI.toString());
        assertThat(search("98500 10101")).containsExactly(ANIL_AT_SANJEEVANI.toString());
        assertThat(search("0000 1018")).as("card 8026 1200 0000 1018").containsExactly(ANIL_AT_SANJEEVANI.toString());
        assertThat(search("8026 1200 0000 1041")).as("Rahul's card, registered at Arogya only").isEmpty();
        tx.as(AROGYA_ADMIN, AROGYA);
        assertThat(search("8026 1200 0000 1041")).containsExactly(RAHUL_AT_AROGYA.toString());
    }

    @Test
    void clinicalFieldsOnlyForClinicalRead() throws SQLException {
        String sql = "select blood_group, allergies->0->>'substance', chronic_conditions->0->>'code' from app.search_patients('anil gaikwad')";
        tx.as(SANJEEVANI_DOCTOR, SANJEEVANI);
        assertThat(tx.table(sql)).containsExactly(List.of("B+", "Penicillin", "E11"));
        for (var who : List.of(List.of(SANJEEVANI_BILLING, SANJEEVANI), List.of(SANJEEVANI_ADMIN, SANJEEVANI), List.of(SUPER_ADMIN, SANJEEVANI))) {
            tx.as(who.get(0), who.get(1));
            assertThat(tx.table(sql)).as("user %s", who.get(0)).containsExactly(java.util.Arrays.asList(null, null, null));
        }
    }

    @Test
    void nothingWithoutACurrentFacility() throws SQLException {
        assertThat(search("anil")).as("no context").isEmpty();
        tx.as(SUPER_ADMIN, null);
        assertThat(search("anil")).as("super admin who has entered no facility").isEmpty();
        tx.as(PATIENT_ANIL, null);
        assertThat(search("anil")).as("a patient").isEmpty();
        tx.as(SUPER_ADMIN, AROGYA);
        assertThat(search("anil")).containsExactly(ANIL_AT_AROGYA.toString());
    }

    @Test
    void wildcardsAreLiteralAndShortQueriesFindNothing() throws SQLException {
        tx.as(SANJEEVANI_ADMIN, SANJEEVANI);
        assertThat(search("%%%")).isEmpty();
        assertThat(search("___")).isEmpty();
        assertThat(search("an")).isEmpty();
        assertThat(search("")).isEmpty();
        assertThat(tx.strings("select patient_id::text from app.search_patients(null)")).isEmpty();
    }

    @Test
    void theNumberOfRowsIsCapped() throws SQLException {
        tx.as(SANJEEVANI_BILLING, SANJEEVANI);
        for (int i = 0; i < 5; i++) {
            tx.update("insert into patients (facility_id, registration_number, full_name) values (?, ?, 'Anil Kumar')",
                    SANJEEVANI, "SMH-00095" + i);
        }
        assertThat(tx.strings("select patient_id::text from app.search_patients('anil', 3)")).hasSize(3);
        assertThat(tx.strings("select patient_id::text from app.search_patients('anil', 0)")).hasSize(1);
        assertThat(tx.strings("select patient_id::text from app.search_patients('anil', 100000)")).hasSize(6);
        // equal scores are ordered by name
        assertThat(tx.strings("select full_name from app.search_patients('anil')")).startsWith("Anil Gaikwad");
    }

    private List<String> search(String query) throws SQLException {
        return tx.strings("select patient_id::text from app.search_patients(?)", query);
    }
}
