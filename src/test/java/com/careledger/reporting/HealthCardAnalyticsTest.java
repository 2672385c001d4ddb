package com.careledger.reporting;

import static com.careledger.payment.OnlinePayments.SUPER_ADMIN;
import static com.careledger.test.TestDatabase.PATIENT_ANIL;
import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import com.careledger.reporting.ReportingFixture.Facility;
import com.careledger.test.AppSession;
import com.careledger.test.TestDatabase;
import org.junit.jupiter.api.Test;

/**
 * Health-card analytics (app.report_chronic_condition_prevalence, app.report_allergy_prevalence,
 * app.report_insurance_mix): prevalence per facility and category through the GIN indexes, counts of 1 to 4
 * suppressed, and only for those who may report on the facility. The facility is a diagnostic centre, a category
 * the demo data has none of, so its category rows are its own.
 */
class HealthCardAnalyticsTest {

    private static final String CONDITIONS = """
            select scope, category::text, item, patients, patients_shown, cohort, cohort_shown
            from app.report_chronic_condition_prevalence(?::text[]) where facility_id = ? or category = 'diagnostic_centre'""";

    /** Seven patients with cards: five with diabetes (E11), two with hypertension (I10, one of them also E11). */
    private static Facility sevenPatients(AppSession s) throws SQLException {
        Facility f = ReportingFixture.facility(s, "cards", "diagnostic_centre");
        for (int i = 0; i < 7; i++) {
            UUID patient = UUID.fromString(s.string("""
                    insert into patients (facility_id, registration_number, full_name)
                    values (?, 'P-' || upper(substr(md5(random()::text), 1, 8)), 'Card Patient') returning id""", f.id()));
            UUID card = UUID.fromString(s.string("select id::text from app.issue_health_card(?)", patient));
            String conditions = switch (i) {
                case 0, 1, 2, 3 -> "[{\"code\": \"E11\", \"name\": \"Type 2 diabetes\"}]";
                case 4 -> "[{\"code\": \"E11\", \"name\": \"Type 2 diabetes\"}, {\"code\": \"I10\", \"name\": \"Hypertension\"}]";
                case 5 -> "[{\"code\": \"I10\", \"name\": \"Hypertension\"}]";
                default -> "[]";
            };
            String allergies = i == 0 ? "[{\"substance\": \"Penicillin\", \"severity\": \"severe\"}]" : "[]";
            String insurance = i < 5 ? "[{\"insurer\": \"Star Health\", \"policy_number\": \"SH-" + i + "\"}]"
                    : i == 5 ? "[{\"scheme\": \"PM-JAY\", \"beneficiary_id\": \"B-1\"}]" : "[]";
            s.asDefiner("update health_card_clinical set chronic_conditions = ?::jsonb, allergies = ?::jsonb where card_id = ?",
                    conditions, allergies, card);
            s.asDefiner("update health_cards set insurance = ?::jsonb where id = ?", insurance, card);
        }
        return f;
    }

    @Test
    void countsBelowFiveAreSuppressedAndZeroIsShown() throws SQLException {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            Facility f = sevenPatients(s);
            s.as(f.admin(), f.id());
            String[] codes = {"E11", "I10", "J45"};
            assertThat(s.table(CONDITIONS, codes, f.id())).containsExactly(
                    List.of("facility", "diagnostic_centre", "E11", "5", "5", "7", "7"),
                    Arrays.asList("facility", "diagnostic_centre", "I10", null, "<5", "7", "7"),
                    List.of("facility", "diagnostic_centre", "J45", "0", "0", "7", "7"),
                    List.of("category", "diagnostic_centre", "E11", "5", "5", "7", "7"),
                    Arrays.asList("category", "diagnostic_centre", "I10", null, "<5", "7", "7"),
                    List.of("category", "diagnostic_centre", "J45", "0", "0", "7", "7"));
            assertThat(s.table("select item, patients, patients_shown from app.report_allergy_prevalence(null) where scope = 'facility'"))
                    .containsExactly(Arrays.asList("Penicillin", null, "<5"));
            assertThat(s.table("select item, patients, patients_shown from app.report_insurance_mix(null) where scope = 'facility'"))
                    .containsExactly(Arrays.asList("PM-JAY", null, "<5"), List.of("Star Health", "5", "5"));
        }
    }

    @Test
    void withNoListEveryValueOnTheCardsIsCounted() throws SQLException {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            Facility f = sevenPatients(s);
            s.as(f.admin(), f.id());
            assertThat(s.strings("select item from app.report_chronic_condition_prevalence(null) where scope = 'facility'"))
                    .containsExactly("E11", "I10");
        }
    }

    @Test
    void theSuperAdminSeesEveryFacilityAndOthersOnlyTheirsOrNothing() throws SQLException {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            Facility f = sevenPatients(s);
            String[] codes = {"E11"};
            s.as(SUPER_ADMIN, null);
            assertThat(s.table(CONDITIONS, codes, f.id())).containsExactly(
                    List.of("facility", "diagnostic_centre", "E11", "5", "5", "7", "7"),
                    List.of("category", "diagnostic_centre", "E11", "5", "5", "7", "7"));
            assertThat(s.count("select count(distinct facility_id) from app.report_chronic_condition_prevalence(?::text[])", (Object) codes))
                    .isGreaterThan(1);
            // another facility's admin: nothing of this facility or category
            s.as(SANJEEVANI_ADMIN, SANJEEVANI);
            assertThat(s.countOf(CONDITIONS, codes, f.id())).isZero();
            assertThat(s.strings("select distinct facility_id::text from app.report_chronic_condition_prevalence(?::text[]) where scope = 'facility'",
                    (Object) codes)).containsExactly(SANJEEVANI.toString());
            // a clerk without reports.view, a patient, no one: nothing at all
            for (UUID[] who : List.of(new UUID[] {f.clerk(), f.id()}, new UUID[] {PATIENT_ANIL, null}, new UUID[] {null, null})) {
                s.as(who[0], who[1]);
                assertThat(s.countOf("select 1 from app.report_chronic_condition_prevalence(null)")).isZero();
                assertThat(s.countOf("select 1 from app.report_allergy_prevalence(null)")).isZero();
                assertThat(s.countOf("select 1 from app.report_insurance_mix(null)")).isZero();
            }
            // admins still cannot read a clinical record itself
            s.as(f.admin(), f.id());
            assertThat(s.countOf("select 1 from health_card_clinical")).isZero();
        }
    }

    @Test
    void theContainmentTheAnalyticsUseIsAnsweredByTheGinIndexes() throws SQLException {
        assertThat(plan("select card_id from health_card_clinical h "
                + "where h.chronic_conditions @> jsonb_build_array(jsonb_build_object('code', 'E11'::text))"))
                .contains("health_card_clinical_chronic_conditions_idx");
        assertThat(plan("select card_id from health_card_clinical h "
                + "where h.allergies @> jsonb_build_array(jsonb_build_object('substance', 'Penicillin'::text))"))
                .contains("health_card_clinical_allergies_idx");
        assertThat(plan("select id from health_cards h "
                + "where h.insurance @> jsonb_build_array(jsonb_build_object('insurer', 'Star Health'::text)) "
                + "or h.insurance @> jsonb_build_array(jsonb_build_object('scheme', 'Star Health'::text))"))
                .contains("health_cards_insurance_idx");
    }

    /** The plan with sequential scans priced out (the demo tables are tiny), as the superuser. */
    private static String plan(String sql) throws SQLException {
        try (Connection c = TestDatabase.connectAsSuperuser(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("set local enable_seqscan = off");
            StringBuilder out = new StringBuilder();
            try (ResultSet rs = st.executeQuery("explain " + sql)) {
                while (rs.next()) {
                    out.append(rs.getString(1)).append('\n');
                }
            }
            c.rollback();
            return out.toString();
        }
    }
}
