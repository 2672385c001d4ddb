package com.careledger.core.db;

import static com.careledger.test.TestDatabase.AROGYA;
import static com.careledger.test.TestDatabase.PATIENT_ANIL;
import static com.careledger.test.TestDatabase.PATIENT_RAHUL;
import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_ADMIN;
import static com.careledger.test.TestDatabase.SANJEEVANI_BILLING;
import static com.careledger.test.TestDatabase.SUPER_ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import com.careledger.test.AppSession;
import com.careledger.test.TestDatabase;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Tenant isolation, generated from the catalog so that a new table or partition is covered without
 * editing this test: every table and partition with a facility_id column, for every principal and
 * every state of the context, shows no row of a facility the principal may not see, and refuses every
 * insert, update and delete that would touch one. "Foreign" is Arogya for principals of Sanjeevani.
 */
class TenantIsolationMatrixTest {

    /** A principal and the facilities whose rows it may see. */
    private record Principal(String name, UUID user, UUID tenant, Set<UUID> own) {
    }

    private static final List<Principal> PRINCIPALS = List.of(
            new Principal("facility admin of Sanjeevani", SANJEEVANI_ADMIN, SANJEEVANI, Set.of(SANJEEVANI)),
            new Principal("staff of Sanjeevani", SANJEEVANI_BILLING, SANJEEVANI, Set.of(SANJEEVANI)),
            // Anil is registered at both facilities: only his own rows may show, wherever they are
            new Principal("patient Anil", PATIENT_ANIL, null, Set.of()),
            new Principal("patient Rahul of Arogya", PATIENT_RAHUL, null, Set.of()),
            new Principal("no context", null, null, Set.of()));

    /** Tables a patient may read at the facilities where they are registered, beyond their own rows. */
    private static final Set<String> PATIENT_CATALOGUES = Set.of("services");

    /** The context states of the matrix: legitimate, then tampered with the way injected SQL could. */
    private enum ContextState { LEGITIMATE, EMPTY, GARBAGE, ANOTHER_TENANT }

    @TestFactory
    Stream<DynamicTest> noPrincipalSeesOrWritesAnotherFacilitysRows() throws SQLException {
        List<String> tables = tenantTables();
        assertThat(tables).contains("facility_configurations", "staff", "patients", "audit_log_default");
        return tables.stream().flatMap(table -> PRINCIPALS.stream().map(principal ->
                DynamicTest.dynamicTest(table + " / " + principal.name(), () -> checkIsolation(table, principal))));
    }

    @Test
    void theFixturesGiveMostTenantTablesForeignRowsToHide() throws SQLException {
        long withForeignRows = 0;
        for (String table : tenantTables()) {
            withForeignRows += rowsOfFacility(table, AROGYA) > 0 ? 1 : 0;
        }
        assertThat(withForeignRows).as("tables with Arogya rows in the demo data").isGreaterThanOrEqualTo(5);
    }

    @Test
    void theSuperAdminSeesEveryRowOfEveryTenantTable() throws SQLException {
        for (String table : tenantTables()) {
            if (isPartition(table) || !appMaySelect(table)) {
                continue; // partitions are read through their parent; a table the app roles may not read shows nothing
            }
            try (AppSession s = AppSession.open().as(SUPER_ADMIN, null)) {
                assertThat(s.rows(table)).as(table).isEqualTo(rowsOfFacility(table, null));
            }
        }
    }

    private static void checkIsolation(String table, Principal principal) throws SQLException {
        for (ContextState state : ContextState.values()) {
            if (principal.user() == null && state != ContextState.LEGITIMATE) {
                continue; // nothing to tamper with
            }
            String where = table + " / " + principal.name() + " / " + state;
            try (AppSession s = AppSession.open()) {
                if (principal.user() != null) {
                    s.as(principal.user(), principal.tenant());
                }
                switch (state) {
                    case LEGITIMATE -> { }
                    case EMPTY -> { s.forge("app.user_id", ""); s.forge("app.current_tenant", ""); }
                    case GARBAGE -> { s.forge("app.user_id", "garbage"); s.forge("app.current_tenant", "garbage"); }
                    case ANOTHER_TENANT -> s.forge("app.current_tenant", AROGYA.toString());
                }
                assertThat(foreignRowsVisible(s, table, principal)).as(where + ": foreign rows visible").isZero();
                        assertWriteRefused(s, where, "insert into " + table + " (facility_id) values ('" + AROGYA + "')");
                assertWriteRefused(s, where, "update " + table + " set facility_id = facility_id where facility_id = '"
                        + AROGYA + "'");
                assertWriteRefused(s, where, "update " + table + " set facility_id = '" + AROGYA
                        + "' where facility_id = '" + SANJEEVANI + "'");
                assertWriteRefused(s, where, "delete from " + table + " where facility_id = '" + AROGYA + "'");
            }
        }
    }

    /** Rows the principal sees outside its facilities; a principal without facilities may see only its own rows. */
    private static int foreignRowsVisible(AppSession s, String table, Principal principal) throws SQLException {
        try {
            if (principal.own().isEmpty()) {
                // a patient: rows of other people are foreign; own rows are those linked to their user
                return s.rows(table + " t where not " + ownedByUser(table, principal.user()));
            }
            return s.rows(table + " where facility_id <> all (?::uuid[])",
                    (Object) principal.own().stream().map(UUID::toString).toArray(String[]::new));
        } catch (SQLException e) {
            assertThat(e.getSQLState()).as(table + ": only a privilege error may hide a table").isEqualTo("42501");
            return 0;
        }
    }

    /** A row belongs to a patient user when the table links it to them; other tables have no such rows. */
    private static String ownedByUser(String table, UUID user) throws SQLException {
        if (user == null) {
            return "false";
        }
        if (PATIENT_CATALOGUES.contains(table.replaceAll("_h[0-9]+$", ""))) {
            // price lists: a patient sees those of the facilities where they are registered
            return "t.facility_id in (select p.facility_id from patients p where p.user_id = '" + user + "')";
        }
        if (table.equals("users")) {
            return "t.id = '" + user + "'";
        }
        if (hasColumn(table, "user_id")) {
            return "coalesce(t.user_id = '" + user + "', false)";
        }
        if (hasColumn(table, "patient_id")) {
            return "exists (select 1 from patients p where p.id = t.patient_id and p.user_id = '" + user + "')";
        }
        return "false";
    }

    /**
     * A write that would touch a foreign row fails (privileges, a policy, or a trigger guarding the row) or
     * touches nothing. A syntax or unknown-column error would mean this test is broken, not the database.
     */
    private static void assertWriteRefused(AppSession s, String where, String sql) throws SQLException {
        try {
            int touched = s.update(sql);
            assertThat(touched).as(where + ": " + sql).isZero();
        } catch (SQLException e) {
            assertThat(e.getSQLState()).as(where + ": " + sql + " failed with " + e.getMessage())
                    .isNotIn("42601", "42703", "42P01", "25P02");
        }
    }

    private static List<String> tenantTables() throws SQLException {
        return superuserStrings("""
                select c.relname from pg_class c
                join pg_namespace n on n.oid = c.relnamespace
                join pg_attribute a on a.attrelid = c.oid and a.attname = 'facility_id' and not a.attisdropped
                where n.nspname = 'public' and c.relkind in ('r', 'p')
                order by c.relname""");
    }

    private static boolean isPartition(String table) throws SQLException {
        return !superuserStrings("select relname from pg_class where relname = '" + table + "' and relispartition").isEmpty();
    }

    private static boolean appMaySelect(String table) throws SQLException {
        return superuserStrings("select has_table_privilege('careledger_app', 'public." + table + "', 'SELECT')::text")
                .getFirst().equals("true");
    }

    private static boolean hasColumn(String table, String column) throws SQLException {
        return !superuserStrings("select attname from pg_attribute where attrelid = 'public." + table
                + "'::regclass and attname = '" + column + "' and not attisdropped").isEmpty();
    }

    /** Rows of one facility (or all rows), counted by the superuser: the truth to compare with. */
    private static int rowsOfFacility(String table, UUID facility) throws SQLException {
        String sql = "select count(*) from " + table + (facility == null ? "" : " where facility_id = '" + facility + "'");
        return Integer.parseInt(superuserStrings(sql).getFirst());
    }

    private static List<String> superuserStrings(String sql) throws SQLException {
        try (Connection c = TestDatabase.connectAsSuperuser(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }
}
