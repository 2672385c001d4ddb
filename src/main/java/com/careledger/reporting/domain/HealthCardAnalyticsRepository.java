package com.careledger.reporting.domain;

import static com.careledger.db.app.Tables.REPORT_ALLERGY_PREVALENCE;
import static com.careledger.db.app.Tables.REPORT_CHRONIC_CONDITION_PREVALENCE;
import static com.careledger.db.app.Tables.REPORT_INSURANCE_MIX;
import static org.jooq.Records.mapping;

import java.util.List;
import java.util.Locale;
import java.util.UUID;

import com.careledger.db.public_.enums.FacilityType;
import org.jooq.DSLContext;
import org.jooq.SelectField;
import org.jooq.Table;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Health-card analytics for facility and platform dashboards: how many patients have a chronic condition, an allergy,
 * an insurer or scheme, per facility and per facility category the user may report on
 * ({@code app.report_chronic_condition_prevalence}, {@code app.report_allergy_prevalence},
 * {@code app.report_insurance_mix}). Only counts leave the database, and only of groups of at least k = 5 patients
 * whose complement in the cohort is at least k too: a smaller group, or one a shown total would reveal by subtraction,
 * is not returned at all (docs/reporting.md, "Small groups"), so no figure singles out a patient and no list of codes
 * tells whether anyone below k has one.
 */
@Repository
@Transactional(readOnly = true)
public class HealthCardAnalyticsRepository {

    /**
     * Per facility ({@code facilityId} set) or per category (null). {@code patients} and {@code cohort} are at least
     * k on every row returned; the {@code ...Shown} labels are the same numbers as text.
     */
    public record Prevalence(Scope scope, @Nullable UUID facilityId, FacilityType category, String item,
                             @Nullable Long patients, String patientsShown, @Nullable Long cohort,
                             String cohortShown) {
    }

    public enum Scope { FACILITY, CATEGORY }

    private final DSLContext db;

    HealthCardAnalyticsRepository(DSLContext db) {
        this.db = db;
    }

    /** Chronic conditions by ICD-10 code (null: every code present on the cards). */
    public List<Prevalence> chronicConditions(String @Nullable [] codes) {
        var r = REPORT_CHRONIC_CONDITION_PREVALENCE.call(codes);
        return fetch(r, r.SCOPE, r.FACILITY_ID, r.CATEGORY, r.ITEM, r.PATIENTS, r.PATIENTS_SHOWN, r.COHORT, r.COHORT_SHOWN);
    }

    /** Allergies by substance (null: every substance present). */
    public List<Prevalence> allergies(String @Nullable [] substances) {
        var r = REPORT_ALLERGY_PREVALENCE.call(substances);
        return fetch(r, r.SCOPE, r.FACILITY_ID, r.CATEGORY, r.ITEM, r.PATIENTS, r.PATIENTS_SHOWN, r.COHORT, r.COHORT_SHOWN);
    }

    /** Insurance mix by insurer or government scheme (null: every one present). */
    public List<Prevalence> insuranceMix(String @Nullable [] insurers) {
        var r = REPORT_INSURANCE_MIX.call(insurers);
        return fetch(r, r.SCOPE, r.FACILITY_ID, r.CATEGORY, r.ITEM, r.PATIENTS, r.PATIENTS_SHOWN, r.COHORT, r.COHORT_SHOWN);
    }

    private List<Prevalence> fetch(Table<?> from, SelectField<String> scope, SelectField<UUID> facility,
                                   SelectField<FacilityType> category, SelectField<String> item,
                                   SelectField<Long> patients, SelectField<String> patientsShown,
                                   SelectField<Long> cohort, SelectField<String> cohortShown) {
        return db.select(scope, facility, category, item, patients, patientsShown, cohort, cohortShown)
                .from(from)
                .fetch(mapping((scopeName, facilityId, facilityCategory, itemName, patientCount, patientsLabel,
                                cohortCount, cohortLabel) ->
                        new Prevalence(Scope.valueOf(scopeName.toUpperCase(Locale.ROOT)), facilityId, facilityCategory,
                                itemName, patientCount, patientsLabel, cohortCount, cohortLabel)));
    }
}
