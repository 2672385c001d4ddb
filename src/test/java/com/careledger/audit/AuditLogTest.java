package com.careledger.audit;

import static com.careledger.test.TestDatabase.AROGYA;
import static com.careledger.test.TestDatabase.AROGYA_ADMIN;
import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_ADMIN;
import static com.careledger.test.TestDatabase.SUPER_ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.careledger.test.AppSession;
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
    void aHealthInformationReadIsRecordedForTheSignedInUser() throws Exception {
        try (AppSession s = AppSession.open().as(SANJEEVANI_ADMIN, SANJEEVANI)) {
            s.execute("select app.record_phi_read('patients', '{\"id\": \"p1\"}'::jsonb, ?, 'health card viewed')", SANJEEVANI);
            assertThat(s.strings("""
                    select actor_user_id || ' ' || (new_values ->> 'what') from audit_log
                    where operation = 'READ' and row_key ->> 'id' = 'p1'"""))
                    .containsExactly(SANJEEVANI_ADMIN + " health card viewed");
        }
        try (AppSession s = AppSession.open()) {
            assertThatThrownBy(() -> s.execute("select app.record_phi_read('patients', '{}'::jsonb, null, 'x')"))
                    .hasMessageContaining("signed-in user");
        }
    }

    @Test
    void healthCardChangesAreAuditedWithoutClinicalValuesOrSecrets() throws Exception {
        try (AppSession s = AppSession.open().as(SUPER_ADMIN, null)) {
            assertThat(s.strings("""
                    select distinct (new_values ->> 'allergies') || ' ' || (new_values ->> 'blood_group')
                    from audit_log where table_name = 'health_card_clinical'""")).containsExactly("[clinical] [clinical]");
            assertThat(s.rows("audit_log where table_name = 'health_card_clinical'"
                    + " and new_values::text like '%Penicillin%'")).isZero();
            assertThat(s.rows("audit_log where table_name = 'health_cards'")).isPositive();
        }
    }
}
