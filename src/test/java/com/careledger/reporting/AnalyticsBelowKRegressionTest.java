package com.careledger.reporting;

import static com.careledger.test.TestDatabase.AROGYA;
import static com.careledger.test.TestDatabase.AROGYA_ADMIN;
import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

import com.careledger.test.AppSession;
import org.junit.jupiter.api.Test;

/**
 * The attack on the health-card analytics, tried again as the app's own roles on the demo data: a facility admin
 * learned Anil's diabetes, hypertension and penicillin allergy, because codes present were listed with a count of
 * "&lt;5" and passing a code answered whether anyone had it. Now a group of fewer than k = 5 patients is not
 * returned at all, so a listed code and an absent one answer alike.
 */
class AnalyticsBelowKRegressionTest {

    private static final String[] REPORTS = {
            "app.report_chronic_condition_prevalence", "app.report_allergy_prevalence", "app.report_insurance_mix"};

    @Test
    void facilityAdminsLearnNoDiagnosisOrAllergyFromTheAnalytics() throws SQLException {
        try (AppSession s = AppSession.open()) {
            for (UUID[] admin : List.of(new UUID[] {SANJEEVANI_ADMIN, SANJEEVANI}, new UUID[] {AROGYA_ADMIN, AROGYA})) {
                s.as(admin[0], admin[1]);
                // Anil's card (at both facilities) has E11, I10, penicillin and peanuts, Star Health and PM-JAY: none
                // is listed, with or without a count
                for (String report : REPORTS) {
                    assertThat(s.countOf("select 1 from " + report + "(null)")).as(report).isZero();
                }
                // a code on his card and a code on no card answer alike, one at a time or together
                for (String[] probe : List.of(new String[] {"E11"}, new String[] {"I10"}, new String[] {"X99"},
                        new String[] {"E11", "I10", "X99"})) {
                    assertThat(s.countOf("select 1 from app.report_chronic_condition_prevalence(?::text[])", (Object) probe))
                            .as("probe %s", List.of(probe)).isZero();
                }
                for (String[] probe : List.of(new String[] {"Penicillin"}, new String[] {"Peanuts"}, new String[] {"Latex"})) {
                    assertThat(s.countOf("select 1 from app.report_allergy_prevalence(?::text[])", (Object) probe))
                            .as("probe %s", List.of(probe)).isZero();
                }
                // and the clinical record itself stays closed to them
                assertThat(s.failure("select 1 from clinical_entries")).hasMessageContaining("permission denied");
            }
        }
    }
}
