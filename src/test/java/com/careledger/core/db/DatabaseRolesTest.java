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
