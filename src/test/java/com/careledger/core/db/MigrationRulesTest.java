package com.careledger.core.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import com.careledger.test.FreshDatabase;
import org.junit.jupiter.api.Test;

/**
 * The rules of db/migration hold (docs/database.md, "Changing the schema"): one current body per function and view,
 * no function in the database that a migration file does not define, and nothing executable by the app's roles
 * that is not on the reviewed list. Each check is also shown to fail on a deliberate violation.
 */
class MigrationRulesTest {

    private static final Path MIGRATIONS = Path.of("db/migration");
    private static final String DATABASE = SchemaCatalogTest.DATABASE;

    /** Functions of the CareLedger schemas (not of extensions), by schema-qualified name. */
    private static final String FUNCTIONS = """
            select distinct n.nspname || '.' || p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace
            where n.nspname in ('app', 'public')
              and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')""";

    /** What the app's roles may execute there, as signatures. */
    private static final String EXECUTABLE = """
            select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
            where n.nspname in ('app', 'public')
              and (has_function_privilege('careledger_app', p.oid, 'execute')
                   or has_function_privilege('careledger_patient', p.oid, 'execute'))""";

    @Test
    void everyFunctionAndViewHasOneBodyInOneFile() {
        Map<String, String> files = MigrationRules.read(MIGRATIONS);
        assertThat(MigrationRules.definitions(files)).hasSizeGreaterThan(170);
        assertThat(MigrationRules.duplicates(files)).isEmpty();
    }

    @Test
    void aSecondBodyOfAFunctionIsFound() {
        Map<String, String> files = new TreeMap<>(MigrationRules.read(MIGRATIONS));
        files.put("V0099__again.sql", "-- a later change restated whole\ncreate or replace function app.collect_cash(p uuid) returns void\n"
                + "language sql as $$ select $$;\n");
        assertThat(MigrationRules.duplicates(files)).containsOnlyKeys("app.collect_cash");
        assertThat(MigrationRules.duplicates(files).get("app.collect_cash")).containsExactly("R__0009_payments_and_cash.sql", "V0099__again.sql");
    }

    @Test
    void aPlaceholderInAVersionedFileIsASecondDefinition() {
        Map<String, String> files = new TreeMap<>(MigrationRules.read(MIGRATIONS));
        files.put("V0099__placeholder.sql", "-- body in R__0002_request_context.sql\n"
                + "create function app.access_of(p uuid) returns void language plpgsql as $$ begin end $$;\n");
        assertThat(MigrationRules.duplicates(files).get("app.access_of"))
                .containsExactly("R__0002_request_context.sql", "V0099__placeholder.sql");
    }

    @Test
    void everyFunctionOfTheDatabaseIsDefinedByAMigrationFile() throws SQLException {
        List<String> functions = FreshDatabase.lines(DATABASE, FUNCTIONS);
        assertThat(functions).hasSizeGreaterThan(170);
        assertThat(MigrationRules.orphans(functions, MigrationRules.read(MIGRATIONS))).isEmpty();
    }

    @Test
    void aFunctionNoFileDefinesIsFound() throws SQLException {
        List<String> functions;
        try (Connection c = FreshDatabase.superuser(DATABASE)) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("create function app.made_by_hand() returns int language sql as $$ select 1 $$");
            }
            functions = lines(c, FUNCTIONS);
            c.rollback();
        }
        assertThat(MigrationRules.orphans(functions, MigrationRules.read(MIGRATIONS))).containsExactly("app.made_by_hand");
    }

    @Test
    void theAppRolesExecuteExactlyTheReviewedFunctions() throws Exception {
        Set<String> allowed = MigrationRules.allowList(SchemaCatalogTest.resource("db/app-executable-functions.txt"));
        Set<String> executable = new TreeSet<>(FreshDatabase.lines(DATABASE, EXECUTABLE));
        assertThat(allowed).hasSizeGreaterThan(100);
        assertThat(diff(executable, allowed)).as("executable by the app's roles but not reviewed").isEmpty();
        assertThat(diff(allowed, executable)).as("on the reviewed list but no longer executable").isEmpty();
    }

    @Test
    void aGrantOfAFunctionNotOnTheListIsFound() throws Exception {
        Set<String> allowed = MigrationRules.allowList(SchemaCatalogTest.resource("db/app-executable-functions.txt"));
        Set<String> executable;
        try (Connection c = FreshDatabase.superuser(DATABASE)) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                // an internal helper of the settlement functions, granted by mistake
                st.execute("grant execute on function app.lock_facility_settlements(uuid) to careledger_app");
            }
            executable = new TreeSet<>(lines(c, EXECUTABLE));
            c.rollback();
        }
        assertThat(diff(executable, allowed)).containsExactly("app.lock_facility_settlements(uuid)");
    }

    private static Set<String> diff(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a);
        out.removeAll(b);
        return out;
    }

    private static List<String> lines(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
