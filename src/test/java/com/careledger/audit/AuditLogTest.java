package com.careledger.audit;

import static com.careledger.test.TestDatabase.ANIL_CARD;
import static com.careledger.test.TestDatabase.AROGYA;
import static com.careledger.test.TestDatabase.AROGYA_ADMIN;
import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_ADMIN;
import static com.careledger.test.TestDatabase.SANJEEVANI_CONSULTATION;
import static com.careledger.test.TestDatabase.SANJEEVANI_DOCTOR;
import static com.careledger.test.TestDatabase.SUPER_ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import com.careledger.test.AppSession;
import com.careledger.test.TestDatabase;
import org.junit.jupiter.api.Test;

/** Every write to a critical table leaves one audit row; nobody the app runs as can change them. */
class AuditLogTest {

    @Test
    void aStaffRecordAddedByAFacilityAdminLeavesExactlyOneAuditRowWithActorAndTenant() throws Exception {
        try (AppSession s = AppSession.open().as(SANJEEVANI_ADMIN, SANJEEVANI)) {
            String staff = s.string("""
                    insert into staff (facility_id, kind, display_name) values (?, 'nurse', 'Pooja More')
                    returning id::text""", SANJEEVANI);
            assertThat(s.strings("""
                    select operation || ' ' || actor_user_id || ' ' || actor_role || ' ' || facility_id
                    from audit_log where table_name = 'staff' and row_key ->> 'id' = ?""", staff))
                    .containsExactly("INSERT " + SANJEEVANI_ADMIN + " facility_admin " + SANJEEVANI);

            s.execute("update staff set phone = '+91 98220 44444' where id = ?::uuid", staff);
            assertThat(s.strings("""
                    select coalesce(old_values ->> 'phone', 'none') || ' -> ' || (new_values ->> 'phone') from audit_log
                    where table_name = 'staff' and row_key ->> 'id' = ? and operation = 'UPDATE'""", staff))
                    .containsExactly("none -> +91 98220 44444");
        }
    }

    @Test
    void theAppRoleCannotChangeOrRemoveAuditRows() throws Exception {
        try (AppSession s = AppSession.open().as(SUPER_ADMIN, null)) {
            assertThat(s.rows("audit_log")).isPositive();
            assertThatThrownBy(() -> s.execute("update audit_log set actor_role = 'nobody'"))
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> s.execute("delete from audit_log"))
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> s.execute("insert into audit_log (actor_role, table_name, operation, row_key)"
                    + " values ('x', 'x', 'READ', '{}')")).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> s.execute("select * from audit_log_default"))
                    .hasMessageContaining("permission denied");
        }
    }

    @Test
    void noSecretReachesTheAuditTrail() throws Exception {
        try (AppSession s = AppSession.open().as(SUPER_ADMIN, null)) {
            assertThat(s.strings("""
                    select distinct new_values ->> 'password_hash' from audit_log
                    where table_name = 'users' and new_values ->> 'password_hash' is not null""")).containsOnly("[redacted]");
            assertThat(s.rows("audit_log where (coalesce(new_values::text, '') || coalesce(old_values::text, '')) like '%$2a$%'"))
                    .isZero();
        }
    }

    @Test
    void aFacilityAdminSeesOnlyTheirFacilitysAuditRows() throws Exception {
        try (AppSession s = AppSession.open().as(AROGYA_ADMIN, AROGYA)) {
            assertThat(s.strings("select distinct facility_id::text from audit_log")).containsExactly(AROGYA.toString());
        }
        try (AppSession s = AppSession.open().as(SUPER_ADMIN, null)) {
            assertThat(s.rows("audit_log where facility_id is null")).isPositive();
            assertThat(s.rows("(select distinct facility_id from audit_log where facility_id is not null) f")).isGreaterThan(1);
        }
    }

    @Test
    void aHealthInformationReadIsRecordedForTheSignedInUserByTheFunctionThatReads() throws Exception {
        try (AppSession s = AppSession.open().as(SANJEEVANI_DOCTOR, SANJEEVANI)) {
            assertThat(s.countOf("select 1 from app.read_health_card(?, 'health card viewed')", ANIL_CARD)).isOne();
            s.as(SANJEEVANI_ADMIN, SANJEEVANI);
            assertThat(s.strings("""
                    select actor_user_id || ' ' || (new_values ->> 'purpose') from audit_log
                    where operation = 'READ' and row_key ->> 'card_id' = ?""", ANIL_CARD.toString()))
                    .containsExactly(SANJEEVANI_DOCTOR + " health card viewed");
        }
        try (AppSession s = AppSession.open()) {
            assertThatThrownBy(() -> s.execute("select app.record_phi_read('x', 'patients', '[{}]'::jsonb, array['x'], null)"))
                    .hasMessageContaining("permission denied");
        }
    }

    // Ids from one sequence for the whole platform showed a facility the other facilities' activity as gaps.
    @Test
    void auditIdsAreTimeOrderedRandomUuidsThatSayNothingAboutOtherFacilities() throws Exception {
        try (AppSession s = AppSession.open().as(SANJEEVANI_ADMIN, SANJEEVANI)) {
            String first = s.string("""
                    insert into staff (facility_id, kind, display_name) values (?, 'nurse', 'Pooja More') returning id::text""",
                    SANJEEVANI);
            s.as(AROGYA_ADMIN, AROGYA);
            for (int i = 0; i < 3; i++) {
                s.execute("insert into staff (facility_id, kind, display_name) values (?, 'nurse', 'Nurse ' || ?)", AROGYA, i);
            }
            s.as(SANJEEVANI_ADMIN, SANJEEVANI);
            String second = s.string("""
                    insert into staff (facility_id, kind, display_name) values (?, 'nurse', 'Rekha Jadhav') returning id::text""",
                    SANJEEVANI);
            List<String> ids = s.strings("""
                    select a.id::text from audit_log a
                    where a.table_name = 'staff' and a.row_key ->> 'id' in (?, ?) order by a.id""", first, second);
            assertThat(ids).hasSize(2).allMatch(id -> id.charAt(14) == '7', "a version 7 uuid");
            // the two ids of Sanjeevani are in the order they were written, with nothing between them to count
            assertThat(s.strings("select a.row_key ->> 'id' from audit_log a where a.id::text = any (?::text[]) order by a.id",
                    "{" + String.join(",", ids) + "}")).containsExactly(first, second);
        }
        assertThat(catalog("""
                select count(*)::text from pg_depend d join pg_class c on c.oid = d.objid and c.relkind = 'S'
                where d.refobjid = 'audit_log'::regclass""")).containsExactly("0");
    }

    // Rows of partitioned tables were logged under the partition (services_h3, appointments_p20261101).
    @Test
    void auditRowsOfPartitionedTablesNameTheTableNotThePartition() throws Exception {
        try (AppSession s = AppSession.open().as(SANJEEVANI_ADMIN, SANJEEVANI)) {
            s.execute("update services set price_paise = price_paise + 100 where id = ?", SANJEEVANI_CONSULTATION);
            assertThat(s.strings("""
                    select distinct table_name from audit_log where operation = 'UPDATE' and row_key ->> 'id' = ?""",
                    SANJEEVANI_CONSULTATION.toString())).containsExactly("services");
            assertThat(s.strings("""
                    select distinct table_name from audit_log
                    where table_name ~ '^(appointments|services|settlements)_' or table_name ~ '_(default|p[0-9]{8}|h[0-9]+)$'"""))
                    .isEmpty();
            assertThat(s.rows("audit_log where table_name = 'appointments'")).isPositive();
        }
    }

    private static List<String> catalog(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = TestDatabase.connectAsSuperuser(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    @Test
    void clinicalEntriesAreAuditedWithTheirAuthorAndFacilityButWithoutClinicalValues() throws Exception {
        try (AppSession s = AppSession.open().as(SUPER_ADMIN, null)) {
            assertThat(s.strings("""
                    select distinct (new_values ->> 'code') || ' ' || (new_values ->> 'text') || ' ' || (new_values ->> 'kind')
                    from audit_log where table_name = 'clinical_entries' and new_values ->> 'kind' = 'condition'
                      and facility_id = ?""", SANJEEVANI)).containsExactly("[clinical] [clinical] condition");
            assertThat(s.strings("""
                    select distinct actor_user_id::text || ' ' || (new_values ->> 'recorded_by')
                    from audit_log where table_name = 'clinical_entries' and new_values ->> 'kind' = 'allergy'
                      and facility_id = ?""", SANJEEVANI))
                    .containsExactly(SANJEEVANI_DOCTOR + " " + SANJEEVANI_DOCTOR);
            assertThat(s.rows("audit_log where table_name = 'clinical_entries'"
                    + " and new_values::text like '%Penicillin%'")).isZero();
            assertThat(s.rows("audit_log where table_name = 'health_cards'")).isPositive();
        }
    }
}
