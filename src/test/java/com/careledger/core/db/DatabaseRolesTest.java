package com.careledger.core.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import com.careledger.test.TestDatabase;
import org.junit.jupiter.api.Test;

/** The catalog as the security model needs it: who may do what, and which tables are under RLS. */
class DatabaseRolesTest {

    @Test
    void theAppRoleIsNoSuperuserCannotBypassRlsAndOwnsNothing() throws SQLException {
        assertThat(strings("""
                select rolname from pg_roles
                where rolname = 'careledger_app' and not rolsuper and not rolbypassrls and rolcanlogin
                  and not rolcreaterole and not rolcreatedb""")).containsExactly("careledger_app");
        assertThat(strings("""
                select c.relname from pg_class c join pg_roles r on r.oid = c.relowner where r.rolname = 'careledger_app'
                union all select p.proname from pg_proc p join pg_roles r on r.oid = p.proowner where r.rolname = 'careledger_app'
                union all select n.nspname from pg_namespace n join pg_roles r on r.oid = n.nspowner where r.rolname = 'careledger_app'
                union all select t.typname from pg_type t join pg_roles r on r.oid = t.typowner where r.rolname = 'careledger_app'
                union all select d.datname from pg_database d join pg_roles r on r.oid = d.datdba where r.rolname = 'careledger_app'
                """)).isEmpty();
    }

    @Test
    void thePatientRoleCannotSignInBypassRlsOrOwnAnything() throws SQLException {
        assertThat(strings("""
                select rolname from pg_roles
                where rolname = 'careledger_patient' and not rolsuper and not rolbypassrls and not rolcanlogin
                  and not rolcreaterole and not rolcreatedb and not rolinherit""")).containsExactly("careledger_patient");
        assertThat(strings("""
                select c.relname from pg_class c join pg_roles r on r.oid = c.relowner where r.rolname = 'careledger_patient'
                union all select p.proname from pg_proc p join pg_roles r on r.oid = p.proowner where r.rolname = 'careledger_patient'
                union all select n.nspname from pg_namespace n join pg_roles r on r.oid = n.nspowner where r.rolname = 'careledger_patient'
                union all select t.typname from pg_type t join pg_roles r on r.oid = t.typowner where r.rolname = 'careledger_patient'
                union all select d.datname from pg_database d join pg_roles r on r.oid = d.datdba where r.rolname = 'careledger_patient'
                """)).isEmpty();
        assertThat(strings("select roleid::regrole::text from pg_auth_members where member = 'careledger_patient'::regrole"))
                .as("the patient role is a member of no role").isEmpty();
    }

    @Test
    void theAppRoleMaySetThePatientRoleButDoesNotInheritIt() throws SQLException {
        assertThat(strings("""
                select m.inherit_option::text || ' ' || m.set_option::text || ' ' || m.admin_option::text
                from pg_auth_members m
                where m.roleid = 'careledger_patient'::regrole and m.member = 'careledger_app'::regrole"""))
                .containsExactly("false true false");
        assertThat(strings("""
                select pg_has_role('careledger_app', 'careledger_patient', 'USAGE')::text || ' '
                       || pg_has_role('careledger_app', 'careledger_patient', 'SET')::text""")).containsExactly("false true");
        assertThat(strings("select m.member::regrole::text from pg_auth_members m where m.roleid = 'careledger_patient'::regrole"))
                .containsExactly("careledger_app");
    }

    @Test
    void thePatientRoleHoldsExactlyTheAppRolesPrivileges() throws SQLException {
        String held = """
                select 'schema ' || n.nspname || ' ' || a.privilege_type || ' ' || a.is_grantable
                from pg_namespace n, aclexplode(n.nspacl) a where a.grantee = '%1$s'::regrole
                union all
                select 'relation ' || c.oid::regclass || ' ' || a.privilege_type || ' ' || a.is_grantable
                from pg_class c, aclexplode(c.relacl) a where a.grantee = '%1$s'::regrole
                union all
                select 'column ' || t.attrelid::regclass || '.' || t.attname || ' ' || a.privilege_type || ' ' || a.is_grantable
                from pg_attribute t, aclexplode(t.attacl) a where a.grantee = '%1$s'::regrole
                union all
                select 'routine ' || p.oid::regprocedure || ' ' || a.privilege_type || ' ' || a.is_grantable
                from pg_proc p, aclexplode(p.proacl) a where a.grantee = '%1$s'::regrole
                union all
                select 'type ' || t.oid::regtype || ' ' || a.privilege_type || ' ' || a.is_grantable
                from pg_type t, aclexplode(t.typacl) a where a.grantee = '%1$s'::regrole
                union all
                select 'database ' || d.datname || ' ' || a.privilege_type || ' ' || a.is_grantable
                from pg_database d, aclexplode(d.datacl) a where a.grantee = '%1$s'::regrole""";
        List<String> app = strings(held.formatted("careledger_app"));
        List<String> patient = strings(held.formatted("careledger_patient"));
        assertThat(app).as("the app role's privileges").hasSizeGreaterThan(100);
        assertThat(patient).as("the patient role holds nothing the app role does not").isSubsetOf(app);
        assertThat(app).as("what is granted to careledger_app is granted to careledger_patient too")
                .isSubsetOf(patient);
    }

    @Test
    void thePatientsOwnRowsAreReadThroughPoliciesOfThePatientRoleOnly() throws SQLException {
        List<String> patientPolicies = List.of("appointments", "bill_items", "bills", "cash_collections", "cash_refunds",
                "payment_refunds", "payments", "receipts");
        assertThat(strings("""
                select tablename::text from pg_policies
                where (qual like '%own_patient_ids%' or with_check like '%own_patient_ids%')
                  and roles = '{careledger_patient}'
                order by 1""")).containsExactlyElementsOf(patientPolicies);
        assertThat(strings("""
                select tablename || ': ' || policyname from pg_policies
                where (qual like '%own_patient_ids%' or with_check like '%own_patient_ids%')
                  and roles <> '{careledger_patient}'""")).as("no patient branch for other roles").isEmpty();
        assertThat(strings("""
                select tablename || ': ' || policyname from pg_policies
                where 'careledger_patient' = any (roles) and roles <> '{careledger_patient}'""")).isEmpty();
        assertThat(strings("""
                select tablename || ': ' || policyname from pg_policies
                where tablename in ('appointments', 'bill_items', 'bills', 'cash_collections', 'cash_refunds',
                                    'payment_refunds', 'payments', 'receipts')
                  and cmd = 'SELECT' and roles <> '{careledger_patient}'
                  and (coalesce(qual, '') like '%patient%' or roles <> '{careledger_app,careledger_owner}')"""))
                .as("the staff's select policies name no patient and apply to the app role and the owner").isEmpty();
    }

    @Test
    void theMigrationOwnerIsNoSuperuserAndIsSubjectToRls() throws SQLException {
        assertThat(strings("""
                select rolname from pg_roles
                where rolname = 'careledger_owner' and not rolsuper and not rolbypassrls""")).containsExactly("careledger_owner");
        assertThat(strings("select tablename from pg_tables where schemaname = 'public' and tableowner <> 'careledger_owner'"))
                .isEmpty();
    }

    @Test
    void everyTableOfTheProductHasRowLevelSecurityEnabledAndForced() throws SQLException {
        List<String> tables = strings("""
                select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where n.nspname = 'public' and c.relkind in ('r', 'p') and c.relname <> 'flyway_schema_history'""");
        assertThat(tables).contains("facilities", "users");
        assertThat(strings("""
                select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where n.nspname = 'public' and c.relkind in ('r', 'p') and c.relname <> 'flyway_schema_history'
                  and not (c.relrowsecurity and c.relforcerowsecurity)""")).isEmpty();
    }

    @Test
    void everySecurityDefinerFunctionHasAFixedSearchPathEndingInPgTemp() throws SQLException {
        assertThat(strings("""
                select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                where n.nspname in ('public', 'app') and p.prosecdef
                  and not exists (select 1 from unnest(p.proconfig) c where c like 'search_path=%pg_temp')""")).isEmpty();
    }

    @Test
    void everyViewRunsWithTheCallersRights() throws SQLException {
        // views listed here filter by the request context themselves (owner-rights wrappers of reports)
        List<String> documentedExceptions = List.of();
        assertThat(strings("""
                select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where n.nspname in ('public', 'app') and c.relkind = 'v'
                  and not coalesce('security_invoker=true' = any (c.reloptions), false)""")).isSubsetOf(documentedExceptions);
    }

    @Test
    void noPartitionOrMaterializedViewIsReadableByTheAppRoleWithoutRowLevelSecurity() throws SQLException {
        assertThat(strings("""
                select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where n.nspname in ('public', 'app') and ((c.relispartition and c.relkind in ('r', 'p')) or c.relkind = 'm')
                  and has_table_privilege('careledger_app', c.oid, 'select')
                  and not (c.relrowsecurity and c.relforcerowsecurity)""")).isEmpty();
        assertThat(strings("""
                select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where n.nspname = 'public' and c.relispartition and c.relkind in ('r', 'p')
                  and not (c.relrowsecurity and c.relforcerowsecurity)"""))
                .as("every partition has row-level security enabled and forced").isEmpty();
    }

    @Test
    void theAppRoleHoldsNoPrivilegeOnTheContextKeyOrTheSchemaHistory() throws SQLException {
        assertThat(strings("""
                select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where c.relname in ('context_key', 'flyway_schema_history')
                  and (has_table_privilege('careledger_app', c.oid, 'select')
                       or has_table_privilege('careledger_app', c.oid, 'insert,update,delete'))""")).isEmpty();
    }

    private static List<String> strings(String sql) throws SQLException {
        try (Connection c = TestDatabase.connectAsSuperuser(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }
}
