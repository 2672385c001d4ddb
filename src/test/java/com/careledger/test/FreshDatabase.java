package com.careledger.test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import com.careledger.core.db.embedded.EmbeddedPostgresAutoConfiguration;
import org.flywaydb.core.Flyway;

/**
 * A database of the test server migrated from empty with {@code db/migration} alone (no demo data), made once per
 * JVM and name: what a new production database holds after its first migration. For catalog checks, read as a
 * superuser.
 */
public final class FreshDatabase {

    private static final java.util.Set<String> MIGRATED = new java.util.HashSet<>();

    private FreshDatabase() {
    }

    /** Creates and migrates {@code database} (a plain lowercase name) at the first call of the JVM. */
    public static synchronized void migrated(String database) {
        if (MIGRATED.add(database)) {
            var server = TestDatabase.server();
            server.prepareDatabase(database, EmbeddedPostgresAutoConfiguration.OWNER_ROLE,
                    EmbeddedPostgresAutoConfiguration.rolesScript());
            Flyway.configure()
                    .dataSource(server.jdbcUrl(database), EmbeddedPostgresAutoConfiguration.MIGRATOR_ROLE,
                            server.password(EmbeddedPostgresAutoConfiguration.MIGRATOR_ROLE))
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
        }
    }

    /** A superuser connection to the migrated {@code database}. */
    public static Connection superuser(String database) throws SQLException {
        migrated(database);
        return TestDatabase.server().connectAsSuperuser(database);
    }

    /** The first column of every row of {@code sql}, run by a superuser in {@code database}. */
    public static List<String> lines(String database, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = superuser(database); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
