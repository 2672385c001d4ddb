package com.careledger.core.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import javax.sql.DataSource;

import com.careledger.test.TestDatabase;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.flyway.autoconfigure.FlywayConnectionDetails;
import org.springframework.boot.flyway.autoconfigure.FlywayProperties;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * The running portal keeps no credentials of a role that reaches the definer or the owner: its requests log in as
 * careledger_app, Flyway migrated as careledger_migrator through a data source of its own (no pool), and once the
 * migration is over that data source and the bound properties hold no password, and no migrator session is open.
 */
@SpringBootTest
class MigrationStepTest {

    @Autowired
    DataSource dataSource;

    @Autowired
    Flyway flyway;

    @Autowired
    FlywayProperties flywayProperties;

    @Autowired
    FlywayConnectionDetails flywayConnection;

    @Test
    void thePortalLogsInAsTheAppRoleAndFlywayMigratedAsTheMigrator() throws Exception {
        assertThat(((HikariDataSource) dataSource).getUsername()).isEqualTo("careledger_app");
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select session_user::text")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("careledger_app");
        }
        assertThat(flywayConnection.getUsername()).isEqualTo("careledger_migrator");
        assertThat(flyway.getConfiguration().getDataSource()).isNotSameAs(dataSource)
                .isInstanceOfSatisfying(SimpleDriverDataSource.class,
                        own -> assertThat(own.getUsername()).isEqualTo("careledger_migrator"));
    }

    @Test
    void afterTheMigrationThePortalHoldsNoPasswordOfTheMigrator() {
        SimpleDriverDataSource own = (SimpleDriverDataSource) flyway.getConfiguration().getDataSource();
        assertThat(own.getPassword()).isNull();
        assertThat(flyway.getConfiguration().getPassword()).isNull();
        assertThat(flywayProperties.getPassword()).isNull();
    }

    @Test
    void noMigratorSessionStaysOpen() throws Exception {
        try (Connection c = TestDatabase.connectAsSuperuser(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("""
                     select count(*) filter (where usename = 'careledger_migrator'),
                            count(*) filter (where usename = 'careledger_app')
                     from pg_stat_activity where datname = current_database()""")) {
            rs.next();
            assertThat(rs.getInt(1)).as("migrator sessions").isZero();
            assertThat(rs.getInt(2)).as("the portal's pool is open, so the query could see sessions").isPositive();
        }
    }
}
