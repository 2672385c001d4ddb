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
import java.util.List;
import java.util.UUID;

import com.careledger.reporting.ReportingFixture.Facility;
import com.careledger.test.AppSession;
import com.careledger.test.TestDatabase;
import org.junit.jupiter.api.Test;

/**
 * Health-card analytics (app.report_chronic_condition_prevalence, app.report_allergy_prevalence,
 * app.report_insurance_mix): prevalence per facility and category from the current clinical entries, only for those who may
 * report on the facility, and no group of fewer than k = 5 patients: such a group disappears, row and all, listed
 * or not, and so does a row from which subtraction would give one (its complement in the cohort, or a hidden
 * facility under a category row). The facilities are diagnostic centres, a category the demo data has none of, so
 * the category rows are the tests' own.
 */
class HealthCardAnalyticsTest {

    private static final String CONDITIONS = """
            select scope, category::text, item, patients, patients_shown, cohort, cohort_shown
            from app.report_chronic_condition_prevalence(?::text[]) where facility_id = ? or category = 'diagnostic_centre'""";

    /**
     * {@code patients} patients with cards at a new diagnostic centre; patient i has the chronic conditions whose
     * ranges hold i: E11 (type 2 diabetes) for i below {@code diabetic}, I10 (hypertension) for i 4 and 5, Z99 for i
     * below {@code patients − 4} (all but four). Patient 0 is allergic to penicillin; the first five are insured with
     * Star Health, the sixth under PM-JAY.
     */
    private static Facility centre(AppSession s, String tag, int patients, int diabetic) throws SQLException {
        Facility f = ReportingFixture.facility(s, tag, "diagnostic_centre");
        for (int i = 0; i < patients; i++) {
            UUID patient = UUID.fromString(s.string("""
                    insert into patients (facility_id, registration_number, full_name)
                    values (?, 'P-' || upper(substr(md5(random()::text), 1, 8)), 'Card Patient') returning id""", f.id()));
            UUID card = UUID.fromString(s.string("select id::text from app.issue_health_card(?)", patient));
            if (i < diabetic) {
                entry(s, card, f.id(), patient, "condition", "E11");
            }
            if (i == 4 || i == 5) {
                entry(s, card, f.id(), patient, "condition", "I10");
            }
            if (i < patients - 4) {
                entry(s, card, f.id(), patient, "condition", "Z99");
            }
            if (i == 0) {
                entry(s, card, f.id(), patient, "allergy", "Penicillin");
            }
            if (i < 5) {
                entry(s, card, f.id(), patient, "insurance", "Star Health");
            } else if (i == 5) {
                entry(s, card, f.id(), patient, "insurance", "PM-JAY");
            }
        }
        return f;
    }

    /** A clinical entry of the facility's patient, written as bulk loads write them (no author). */
    private static void entry(AppSession s, UUID card, UUID facility, UUID patient, String kind, String code) throws SQLException {
        s.asDefiner("""
                insert into clinical_entries (card_id, kind, code, facility_id, patient_id, carried_over)
                values (?, ?::clinical_entry_kind, ?, ?, ?, true)""", card, kind, code, facility, patient);
    }

    /** Twelve patients, five of them diabetic. */
    private static Facility twelvePatients(AppSession s) throws SQLException {
        return centre(s, "cards", 12, 5);
    }

    @Test
    void groupsBelowKDisappearRowAndAllAndNoCountIsLabelled() throws SQLException {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            Facility f = twelvePatients(s);
            s.as(f.admin(), f.id());
            // E11 on 5 of 12 is shown; I10 on 2 and J45 on none are absent alike
            assertThat(s.table(CONDITIONS, new String[] {"E11", "I10", "J45"}, f.id())).containsExactly(
                    List.of("facility", "diagnostic_centre", "E11", "5", "5", "12", "12"),
                    List.of("category", "diagnostic_centre", "E11", "5", "5", "12", "12"));
            assertThat(s.countOf("select 1 from app.report_allergy_prevalence(null)")).isZero();
            assertThat(s.table("select item, patients, patients_shown from app.report_insurance_mix(null) where scope = 'facility'"))
                    .containsExactly(List.of("Star Health", "5", "5"));
            // no row carries a hidden count any more
            assertThat(s.countOf("select 1 from app.report_chronic_condition_prevalence(null) "
                    + "where patients is null or patients < 5 or patients_shown = '<5' or cohort - patients < 5")).isZero();
        }
    }

    @Test
    void withNoListOnlyTheValuesOfAtLeastKPatientsAreListed() throws SQLException {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            Facility f = twelvePatients(s);
            s.as(f.admin(), f.id());
            // I10 (2 patients) is present on the cards but not listed; Z99 is on 8 of 12 (below)
            assertThat(s.strings("select item from app.report_chronic_condition_prevalence(null) where scope = 'facility'"))
                    .containsExactly("E11");
        }
    }

    @Test
    void aListOfCodesOnlyPicksRowsOfTheAnswerToNoListSoItTellsNothingBelowK() throws SQLException {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            Facility f = twelvePatients(s);
            s.as(f.admin(), f.id());
            List<List<String>> all = s.table("select scope, item, patients, cohort "
                    + "from app.report_chronic_condition_prevalence(null) order by 1, 2");
            for (String[] codes : List.of(new String[] {"I10"}, new String[] {"J45"}, new String[] {"I10", "J45"},
                    new String[] {"E11"}, new String[] {"E11", "I10", "Z99", "J45"})) {
                List<List<String>> listed = s.table("select scope, item, patients, cohort "
                        + "from app.report_chronic_condition_prevalence(?::text[]) order by 1, 2", (Object) codes);
                assertThat(listed).as("codes %s", List.of(codes))
                        .isEqualTo(all.stream().filter(row -> List.of(codes).contains(row.get(1))).toList());
            }
            // a code on two cards and a code on none answer alike: nothing
            assertThat(s.countOf("select 1 from app.report_chronic_condition_prevalence('{I10}')")).isZero();
            assertThat(s.countOf("select 1 from app.report_chronic_condition_prevalence('{J45}')")).isZero();
            assertThat(s.countOf("select 1 from app.report_allergy_prevalence('{Penicillin}')")).isZero();
            assertThat(s.countOf("select 1 from app.report_insurance_mix('{PM-JAY}')")).isZero();
        }
    }

    @Test
    void aCountWhoseComplementInTheCohortIsBelowKIsHiddenToo() throws SQLException {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            Facility f = twelvePatients(s);
            s.as(f.admin(), f.id());
            // Z99 on 8 of 12: shown, the cohort would tell that 4 do not have it
            assertThat(s.countOf("select 1 from app.report_chronic_condition_prevalence('{Z99}')")).isZero();
            // nor does a cohort of 7 with 5 diabetics show them (2 without)
            Facility small = centre(s, "small", 7, 5);
            s.as(small.admin(), small.id());
            assertThat(s.countOf("select 1 from app.report_chronic_condition_prevalence('{E11}')")).isZero();
        }
    }

    @Test
    void aCategoryRowThatWouldRevealAHiddenFacilityBySubtractionIsHidden() throws SQLException {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            Facility large = twelvePatients(s);
            // a second diagnostic centre: 10 patients, 2 diabetic (hidden), none insured with Star Health
            Facility other = centre(s, "other", 10, 2);
            // its insurance entries withdrawn (entered in error): they count for nothing
            s.asDefiner("""
                    insert into clinical_entries (card_id, kind, status, supersedes, facility_id, patient_id, carried_over)
                    select e.card_id, e.kind, 'entered_in_error', e.id, e.facility_id, e.patient_id, true
                    from clinical_entries e where e.kind = 'insurance' and e.facility_id = ?""", other.id());
            s.as(SUPER_ADMIN, null);
            String rows = """
                    select scope, coalesce(facility_id::text, '-'), item, patients, cohort
                    from %s where category = 'diagnostic_centre' order by 1 desc, 2""";
            // E11: the category's 7 minus the large centre's 5 would be the other's 2; so no category row
            assertThat(s.table(rows.formatted("app.report_chronic_condition_prevalence('{E11}')")))
                    .containsExactly(List.of("facility", large.id().toString(), "E11", "5", "12"));
            // Star Health: the other centre has none, so nothing is hidden under the category row, which is shown
            assertThat(s.table(rows.formatted("app.report_insurance_mix('{Star Health}')"))).containsExactly(
                    List.of("facility", large.id().toString(), "Star Health", "5", "12"),
                    List.of("category", "-", "Star Health", "5", "22"));
        }
    }

    @Test
    void theSuperAdminSeesEveryFacilityAndOthersOnlyTheirsOrNothing() throws SQLException {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            Facility f = twelvePatients(s);
            String[] codes = {"E11"};
            s.as(SUPER_ADMIN, null);
            assertThat(s.table(CONDITIONS, codes, f.id())).containsExactly(
                    List.of("facility", "diagnostic_centre", "E11", "5", "5", "12", "12"),
                    List.of("category", "diagnostic_centre", "E11", "5", "5", "12", "12"));
            // another facility's admin: nothing of this facility or category
            s.as(SANJEEVANI_ADMIN, SANJEEVANI);
            assertThat(s.countOf(CONDITIONS, codes, f.id())).isZero();
            assertThat(s.strings("select distinct facility_id::text from app.report_chronic_condition_prevalence(null) "
                    + "where scope = 'facility'")).isSubsetOf(SANJEEVANI.toString());
            // a clerk without reports.view, a patient, no one: nothing at all
            for (UUID[] who : List.of(new UUID[] {f.clerk(), f.id()}, new UUID[] {PATIENT_ANIL, null}, new UUID[] {null, null})) {
                s.as(who[0], who[1]);
                assertThat(s.countOf("select 1 from app.report_chronic_condition_prevalence(null)")).isZero();
                assertThat(s.countOf("select 1 from app.report_allergy_prevalence(null)")).isZero();
                assertThat(s.countOf("select 1 from app.report_insurance_mix(null)")).isZero();
            }
            // admins still cannot read a clinical record itself
            s.as(f.admin(), f.id());
            assertThat(s.failure("select 1 from clinical_entries")).hasMessageContaining("permission denied");
        }
    }

    @Test
    void theCodesTheAnalyticsCountAreFoundThroughTheKindAndCodeIndex() throws SQLException {
        assertThat(plan("select card_id from clinical_entries e "
                + "where e.kind = 'condition' and e.code = 'E11' and not e.none_known"))
                .contains("clinical_entries_kind_code_idx");
        assertThat(plan("select card_id from clinical_entries e "
                + "where e.kind = 'insurance' and e.code = 'Star Health' and not e.none_known"))
                .contains("clinical_entries_kind_code_idx");
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
