package com.careledger.core.db;

import static com.careledger.test.TestDatabase.ANIL_AT_SANJEEVANI;
import static com.careledger.test.TestDatabase.DR_SUNIL;
import static com.careledger.test.TestDatabase.PARTITION_UPKEEP;
import static com.careledger.test.TestDatabase.PATIENT_ANIL;
import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_ADMIN;
import static com.careledger.test.TestDatabase.SANJEEVANI_CONSULTATION;
import static com.careledger.test.TestDatabase.SUPER_ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.careledger.test.AppSession;
import com.careledger.test.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Monthly partition upkeep (app.maintain_partitions) as the app calls it: partitions ahead of time with IST bounds, a
 * default partition that takes what has no partition yet, and the next run moving those rows into partitions of their
 * own, every partition secured. Each test rolls back, so what upkeep makes here never reaches the shared database.
 */
class PartitionUpkeepTest {

    private static final ZoneId IST = ZoneId.of("Asia/Kolkata");

    private AppSession app;

    @BeforeEach
    void open() throws SQLException {
        app = AppSession.open();
    }

    @AfterEach
    void rollBack() throws SQLException {
        app.close();
    }

    @Test
    void everyPartitionOfAppointmentsAndServicesHasRowLevelSecurityEnabledAndForced() throws SQLException {
        List<String> partitions = catalog("""
                select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid
                where i.inhparent in ('appointments'::regclass, 'services'::regclass)""");
        assertThat(partitions).contains("appointments_default", "services_h0", "services_h7").hasSizeGreaterThanOrEqualTo(14);
        assertThat(catalog("""
                select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid
                where i.inhparent in ('appointments'::regclass, 'services'::regclass)
                  and not (c.relrowsecurity and c.relforcerowsecurity)""")).isEmpty();
    }

    @Test
    void everyAppointmentsPartitionCarriesTheNoDoubleBookingExclusionConstraint() throws SQLException {
        assertThat(catalog("""
                select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid
                where i.inhparent = 'appointments'::regclass
                  and not exists (select 1 from pg_constraint x where x.conrelid = c.oid and x.contype = 'x'
                                  and pg_get_constraintdef(x.oid) like '%tstzrange(starts_at, ends_at) WITH &&%')""")).isEmpty();
    }

    @Test
    void theAppRoleHasNoPrivilegeOnAnyPartitionAndReadsThroughTheParentOnly() throws SQLException {
        assertThat(catalog("""
                select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid
                where i.inhparent in ('appointments'::regclass, 'services'::regclass)
                  and (has_table_privilege('careledger_app', c.oid, 'select, insert, update, delete')
                       or has_table_privilege('careledger_definer', c.oid, 'select, insert, update, delete'))""")).isEmpty();
        app.as(SANJEEVANI_ADMIN, SANJEEVANI);
        assertThat(app.count("select count(*) from appointments")).isPositive();
        for (String partition : List.of("appointments_default", "services_h0")) {
            assertThat(app.failure("select * from " + partition)).hasMessageContaining("permission denied");
        }
    }

    @Test
    void partitionsReachFromLastMonthToThreeMonthsAheadWithIstMonthBounds() throws SQLException {
        LocalDate asOf = app.istToday().plusMonths(9).withDayOfMonth(15);
        app.as(PARTITION_UPKEEP, null);
        List<String> created = app.strings(
                "select partition_name || ' ' || from_day || ' ' || to_day from app.maintain_partitions(?::date)"
                        + " where partition_name like 'public.appointments%'", asOf.toString());
        List<String> expected = new ArrayList<>();
        for (int m = -1; m <= 3; m++) {
            LocalDate first = asOf.plusMonths(m).withDayOfMonth(1);
            expected.add("public.appointments_p" + month(first) + " " + first + " " + first.plusMonths(1));
        }
        assertThat(created).containsExactlyElementsOf(expected);
        LocalDate first = asOf.withDayOfMonth(1);
        assertThat(app.string("select pg_get_expr(relpartbound, oid) from pg_class where relname = ?", "appointments_p" + month(first)))
                .isEqualTo("FOR VALUES FROM ('" + first + "') TO ('" + first.plusMonths(1) + "')");
        assertThat(app.strings("select partition_name from app.maintain_partitions(?::date)", asOf.toString()))
                .as("a second run finds nothing to do").isEmpty();
    }

    @Test
    void theUpkeepRunsOnlyForADayWithinAYearOfToday() throws SQLException {
        LocalDate today = app.istToday();
        app.as(PARTITION_UPKEEP, null);
        for (LocalDate day : List.of(LocalDate.of(9999, 12, 31), today.plusDays(367), today.minusDays(367))) {
            assertThat(app.failure("select * from app.maintain_partitions(?::date)", day.toString()))
                    .hasMessageContaining("partition upkeep runs for a day within a year of today");
        }
        app.as(SUPER_ADMIN, null);
        assertThat(app.failure("select * from app.maintain_partitions(date '9999-01-01')"))
                .hasMessageContaining("within a year of today");
        assertThat(catalog("select c.relname from pg_class c where c.relname like '%_p9999%'"))
                .as("nothing made").isEmpty();
    }

    @Test
    void appointmentsTwoYearsAheadAndOneYearBackLandInTheDefaultUntilUpkeepMovesThemOut() throws SQLException {
        app.as(SANJEEVANI_ADMIN, SANJEEVANI);
        LocalDate today = app.istToday();
        LocalDate ahead = today.plusYears(2);
        LocalDate back = today.minusYears(1);
        UUID future = app.book(SANJEEVANI, ANIL_AT_SANJEEVANI, SANJEEVANI_CONSULTATION, DR_SUNIL, at(ahead, 10, 0), 15);
        UUID past = app.book(SANJEEVANI, ANIL_AT_SANJEEVANI, SANJEEVANI_CONSULTATION, DR_SUNIL, at(back, 10, 0), 15);
        assertThat(partitionOf(future)).isEqualTo("appointments_default");
        assertThat(partitionOf(past)).isEqualTo("appointments_default");

        app.as(PARTITION_UPKEEP, null);
        List<String> created = app.strings(
                "select partition_name || ' ' || rows_moved from app.maintain_partitions() order by from_day");
        assertThat(created).containsExactly(
                "public.appointments_p" + month(back) + " 1",
                "public.appointments_p" + month(ahead) + " 1");

        app.as(SANJEEVANI_ADMIN, SANJEEVANI);
        assertThat(partitionOf(future)).isEqualTo("appointments_p" + month(ahead));
        assertThat(partitionOf(past)).isEqualTo("appointments_p" + month(back));
        assertThat(app.count("select count(*) from appointments where tableoid = 'appointments_default'::regclass")).isZero();

        // the new partitions are secured like the others, and the default is forced again
        assertThat(app.strings("""
                select c.relname from pg_class c
                where c.relname in (?, ?, 'appointments_default')
                  and c.relrowsecurity and c.relforcerowsecurity
                  and exists (select 1 from pg_constraint x where x.conrelid = c.oid and x.contype = 'x')
                  and not exists (select 1 from pg_trigger t where t.tgrelid = c.oid and t.tgenabled = 'D')
                  and not has_table_privilege('careledger_app', c.oid, 'select')""",
                "appointments_p" + month(ahead), "appointments_p" + month(back))).hasSize(3);

        app.as(PARTITION_UPKEEP, null);
        assertThat(app.strings("select partition_name from app.maintain_partitions()")).isEmpty();
    }

    @Test
    void aTimestamptzKeyGetsPartitionsBoundedAtMidnightIst() throws SQLException {
        try (Connection owner = TestDatabase.connectAsOwner(); Statement st = owner.createStatement()) {
            owner.setAutoCommit(false);
            try {
                st.execute("create table upkeep_probe (happened_at timestamptz not null, note text) partition by range (happened_at)");
                st.execute("select app.register_monthly_partitions('upkeep_probe', 3, 0, null)");
                st.execute("select app.run_partition_upkeep(date '2030-12-10', 'upkeep_probe')");
                st.execute("set local timezone = 'UTC'");
                try (ResultSet rs = st.executeQuery(
                        "select pg_get_expr(relpartbound, oid) from pg_class where relname = 'upkeep_probe_p20310101'")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1))
                            .isEqualTo("FOR VALUES FROM ('2030-12-31 18:30:00+00') TO ('2031-01-31 18:30:00+00')");
                }
                st.execute("insert into upkeep_probe values ('2030-12-31 18:29:59+00', 'Dec 31, 23:59:59 IST'),"
                        + " ('2030-12-31 18:30:00+00', 'Jan 1, 00:00 IST')");
                try (ResultSet rs = st.executeQuery("select tableoid::regclass::text from upkeep_probe order by happened_at")) {
                    List<String> where = new ArrayList<>();
                    while (rs.next()) {
                        where.add(rs.getString(1));
                    }
                    assertThat(where).containsExactly("upkeep_probe_p20301201", "upkeep_probe_p20310101");
                }
            } finally {
                owner.rollback();
            }
        }
    }

    @Test
    void onlyTheUpkeepPrincipalOrTheSuperAdminMayRunIt() throws SQLException {
        assertThat(app.failure("select * from app.maintain_partitions()")).hasMessageContaining("only the partition upkeep");
        app.as(SANJEEVANI_ADMIN, SANJEEVANI);
        assertThat(app.failure("select * from app.maintain_partitions()")).hasMessageContaining("only the partition upkeep");
        app.as(PATIENT_ANIL, null);
        assertThat(app.failure("select * from app.maintain_partitions()")).hasMessageContaining("only the partition upkeep");
        app.as(SUPER_ADMIN, null);
        assertThat(app.strings("select partition_name from app.maintain_partitions(?::date)"
                + " where partition_name like 'public.appointments%'", app.istToday().plusMonths(9).toString())).hasSize(5);
    }

    @Test
    void theAppRoleCannotCallTheInternalsNorReadTheRegistry() throws SQLException {
        app.as(PARTITION_UPKEEP, null);
        for (String sql : List.of(
                "select * from app.run_partition_upkeep(current_date)",
                "select app.register_monthly_partitions('appointments', 3, 1, null)",
                "select app.secure_partition('appointments_default', null)",
                "select * from app.partitioned_tables")) {
            assertThat(app.failure(sql)).as(sql).hasMessageContaining("permission denied");
        }
    }

    private String partitionOf(UUID appointment) throws SQLException {
        return app.string("select tableoid::regclass::text from appointments where id = ?", appointment);
    }

    private static OffsetDateTime at(LocalDate day, int hour, int minute) {
        return day.atTime(LocalTime.of(hour, minute)).atZone(IST).toOffsetDateTime();
    }

    private static String month(LocalDate day) {
        return day.withDayOfMonth(1).toString().replace("-", "");
    }

    private static List<String> catalog(String sql) throws SQLException {
        try (Connection c = TestDatabase.connectAsSuperuser(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }
}
