package com.careledger.core.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import com.careledger.test.FreshDatabase;
import com.careledger.test.TestDatabase;
import org.junit.jupiter.api.Test;

/**
 * Who can become whom (pg_auth_members and pg_roles, read as a superuser): the roles that bypass row-level security
 * or own the schema are out of reach of every role the running portal logs in as. The definer (BYPASSRLS, reads the
 * context key) and the owner (owns every table) are reached by the migrator alone, whose password only the migrate
 * step holds; the owner is no member of the definer and has no login; and after the migrations the migrator owns
 * nothing.
 */
class RoleReachTest {

    /** Roles (not superusers) that are members of {@code role}, directly or through other roles, with or without INHERIT. */
    private static final String MEMBERS = """
            select r.rolname from pg_roles r
            where pg_has_role(r.oid, '%s', 'MEMBER') and not r.rolsuper and r.rolname <> '%s'
              and r.rolname !~ '^pg_' order by 1""";

    @Test
    void theOwnerIsNotAMemberOfTheDefiner() throws SQLException {
        assertThat(strings("""
                select m.member::regrole::text from pg_auth_members m where m.roleid = 'careledger_definer'::regrole""")).containsExactly("careledger_migrator");
        assertThat(strings("select pg_has_role('careledger_owner', 'careledger_definer', 'MEMBER')::text")).containsExactly("false");
    }

    @Test
    void onlyTheMigratorReachesTheDefinerOrTheOwner() throws SQLException {
        assertThat(strings(MEMBERS.formatted("careledger_definer", "careledger_definer")))
                .containsExactly("careledger_migrator");
        assertThat(strings(MEMBERS.formatted("careledger_owner", "careledger_owner")))
                .containsExactly("careledger_migrator");
        assertThat(strings(MEMBERS.formatted("careledger_migrator", "careledger_migrator")))
                .as("nobody becomes the migrator").isEmpty();
    }

    @Test
    void thePortalsLoginRoleReachesNeitherTheDefinerNorTheOwnerNorTheMigrator() throws SQLException {
        // careledger_app is the portal's one login; careledger_patient is the only role it may become
        assertThat(strings("""
                select a.rolname || ' -> ' || t.rolname from pg_roles a cross join pg_roles t
                where a.rolname in ('careledger_app', 'careledger_patient')
                  and t.rolname in ('careledger_definer', 'careledger_owner', 'careledger_migrator')
                  and (pg_has_role(a.oid, t.oid, 'MEMBER') or pg_has_role(a.oid, t.oid, 'USAGE')
                       or pg_has_role(a.oid, t.oid, 'SET'))""")).isEmpty();
        try (Connection app = TestDatabase.connectAsApp(); Statement st = app.createStatement()) {
            for (String role : List.of("careledger_definer", "careledger_owner", "careledger_migrator", "postgres")) {
                SQLException refused = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                        () -> st.execute("set role " + role), role);
                assertThat(refused.getSQLState()).as(role).isEqualTo("42501");
            }
        }
    }

    @Test
    void theOwnerHasNoLoginAndOnlyTheAppAndTheMigratorLogIn() throws SQLException {
        assertThat(strings("""
                select rolname || ' ' || rolcanlogin || ' ' || rolbypassrls || ' ' || rolsuper from pg_roles
                where rolname like 'careledger\\_%' order by 1"""))
                .containsExactly(
                        "careledger_app true false false",
                        "careledger_definer false true false",
                        "careledger_migrator true false false",
                        "careledger_owner false false false",
                        "careledger_patient false false false");
    }

    @Test
    void migrationsRunAsTheMigratorAndLeaveItOwningNothing() throws SQLException {
        for (Connection db : List.of(TestDatabase.connectAsSuperuser(), FreshDatabase.superuser(SchemaCatalogTest.DATABASE))) {
            try (db) {
                assertThat(strings("select distinct installed_by from flyway_schema_history", db))
                        .containsExactly("careledger_migrator");
                assertThat(strings("""
                        select classid::regclass::text || ' ' || objid from pg_shdepend
                        where refobjid = 'careledger_migrator'::regrole and deptype = 'o'
                          and dbid = (select oid from pg_database where datname = current_database())""", db)).isEmpty();
                assertThat(strings("""
                        select count(*)::text from pg_class c join pg_namespace n on n.oid = c.relnamespace
                        where n.nspname in ('public', 'app') and c.relowner = 'careledger_owner'::regrole""", db))
                        .singleElement().satisfies(n -> assertThat(Integer.parseInt(n)).isGreaterThan(100));
            }
        }
    }

    /** The first column of every row of {@code sql}, run by a superuser in the test database. */
    private static List<String> strings(String sql) throws SQLException {
        try (Connection c = TestDatabase.connectAsSuperuser()) {
            return strings(sql, c);
        }
    }

    /** The first column of every row of {@code sql} on {@code c}; closes nothing but the statement. */
    private static List<String> strings(String sql, Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }
}
