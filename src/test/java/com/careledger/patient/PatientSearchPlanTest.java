package com.careledger.patient;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.careledger.test.TestDatabase;
import com.careledger.test.TestSessions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Why patient search is a SECURITY DEFINER function, shown by plans on a large facility: ten facilities
 * from bench/patients/generate.sql, one of them with {@code careledger.bench.patients} patients (5,000 in
 * the build; docs/database.md reports a run with 100,000:
 * {@code ./mvnw -B test -Dtest=PatientSearchPlanTest -Dcareledger.bench.patients=100000}).
 *
 * <p>The same search runs twice as the app's role under forced row-level security, with the bench
 * doctor's signed context: as a plain query, where the policy must run before the trigram operators (they
 * are not leakproof) so the whole facility is read and filtered; and through {@code app.search_patients},
 * whose own tenant condition lets the trigram index find the rows. Assertions are about plan shape and
 * rows read, never about time. The superuser connection only loads the data (as the definer role),
 * merges the GIN pending lists, analyzes and loads auto_explain, which shows the plan inside the
 * function; the measured statements run after {@code SET ROLE careledger_app}. Everything is rolled back.
 */
class PatientSearchPlanTest {

    static final int PATIENTS = Integer.getInteger("careledger.bench.patients", 5_000);
    static final UUID BENCH_HOSPITAL = UUID.fromString("be000000-0000-4000-8000-000000000001");
    static final UUID BENCH_DOCTOR = UUID.fromString("be000000-0000-4000-8000-0000000000d1");

    private static Connection db;
    private static final List<String> report = new ArrayList<>();

    @BeforeAll
    static void loadALargeFacility() throws Exception {
        db = TestDatabase.connectAsSuperuser();
        db.setAutoCommit(false);
        try (Statement st = db.createStatement()) {
            st.execute("select set_config('bench.patients', '" + PATIENTS + "', true)");
            long start = System.nanoTime();
            st.execute(Files.readString(Path.of("bench/patients/generate.sql")));
            long loaded = System.nanoTime();
            st.execute("""
                    select gin_clean_pending_list(i.indexrelid::regclass) from pg_index i
                    join pg_class c on c.oid = i.indexrelid join pg_am a on a.oid = c.relam
                    where a.amname = 'gin' and i.indrelid in ('patients'::regclass, 'health_cards'::regclass)""");
            st.execute("analyze patients, health_cards, clinical_entries");
            report.add("%,d patients in the large facility, %,d in all; loaded in %.1f s"
                    .formatted(PATIENTS, PATIENTS * 19 / 10, (loaded - start) / 1e9));
            st.execute("load 'auto_explain'");
            st.execute("set auto_explain.log_min_duration = 0");
            st.execute("set auto_explain.log_nested_statements = on");
            st.execute("set auto_explain.log_analyze = on");
            st.execute("set auto_explain.log_buffers = on");
            st.execute("set auto_explain.log_level = notice");
            st.execute("set client_min_messages = notice");
            benchDoctorToken = TestSessions.mintIn(db, BENCH_DOCTOR);
            st.execute("set role careledger_app");
        }
        try (PreparedStatement ps = db.prepareStatement("select app.set_current_user(?, ?), app.set_current_tenant(?)")) {
            ps.setObject(1, BENCH_DOCTOR, Types.OTHER);
            ps.setString(2, benchDoctorToken);
            ps.setObject(3, BENCH_HOSPITAL, Types.OTHER);
            ps.execute();
        }
    }

    /** The bench doctor is made in the class's transaction: its session is opened there too. */
    private static String benchDoctorToken;

    @AfterAll
    static void rollBackAndReport() throws SQLException {
        db.rollback();
        db.close();
        System.out.println("Patient search plans (" + String.join("; ", report.getFirst()) + ")");
        System.out.printf("%-34s %-22s %12s %10s %10s%n", "search", "path", "rows read", "buffers", "ms");
        report.stream().skip(1).forEach(System.out::println);
    }

    @Test
    void byNameTheDefinerFunctionUsesTheTrigramIndexAndPlainSqlUnderRlsReadsTheFacility() throws SQLException {
        String name = "anil gaikwad";
        Plan definer = definerSearch(name);
        assertThat(definer.text()).contains("Bitmap Index Scan on patients_facility_name_trgm_idx");
        assertThat(definer.rowsRead()).isLessThan(PATIENTS / 10);

        Plan rls = explain("""
                select p.id, p.full_name from patients p
                where p.facility_id = (select app.current_tenant())
                  and (%1$s operator(extensions.<%%) p.full_name or p.full_name ilike %2$s)
                order by extensions.word_similarity(%1$s, p.full_name) desc limit 20"""
                .formatted(quote(name), quote("%" + name + "%")));
        assertThat(rls.text()).doesNotContain("trgm_idx");
        assertThat(rls.rowsRead()).as("the whole facility is read under the policy").isGreaterThanOrEqualTo(PATIENTS);
        record("name '" + name + "'", rls, definer);
    }

    @Test
    void byPhoneDigitsTheDefinerFunctionUsesThePhoneIndex() throws SQLException {
        String digits = one("select right(regexp_replace(phone, '\\D', '', 'g'), 8) from patients where registration_number = 'BEN-00000042'");
        Plan definer = definerSearch(digits);
        assertThat(definer.text()).contains("Bitmap Index Scan on patients_facility_phone_trgm_idx");
        assertThat(definer.rowsRead()).isLessThan(PATIENTS / 10);

        Plan rls = explain("""
                select p.id, p.full_name from patients p
                where p.facility_id = (select app.current_tenant())
                  and regexp_replace(p.phone, '\\D', '', 'g') like %s limit 20""".formatted(quote("%" + digits + "%")));
        assertThat(rls.text()).doesNotContain("trgm_idx");
        assertThat(rls.rowsRead()).isGreaterThanOrEqualTo(PATIENTS);
        record("phone '" + digits + "'", rls, definer);
    }

    @Test
    void byCardNumberTheDefinerFunctionUsesTheCardIndex() throws SQLException {
        String digits = one("""
                select right(c.card_number, 8) from patients p join health_cards c on c.id = p.card_id
                where p.registration_number = 'BEN-00000077'""");
        Plan definer = definerSearch(digits);
        assertThat(definer.text()).contains("Bitmap Index Scan on health_cards_card_number_trgm_idx");

        Plan rls = explain("""
                select p.id, p.full_name from health_cards c join patients p on p.card_id = c.id
                where p.facility_id = (select app.current_tenant()) and c.card_number like %s limit 20"""
                .formatted(quote("%" + digits + "%")));
        assertThat(rls.text()).doesNotContain("trgm_idx");
        record("card '" + digits + "'", rls, definer);
    }

    @Test
    void theDefinerFunctionReturnsOnlyTheCurrentFacilityWithClinicalFieldsForTheDoctor() throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("""
                select count(*), count(*) filter (where facility_id <> ?), count(blood_group)
                from app.search_patients('priya', 100)""")) {
            ps.setObject(1, BENCH_HOSPITAL, Types.OTHER);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(100);
                assertThat(rs.getInt(2)).as("rows of other facilities").isZero();
                assertThat(rs.getInt(3)).as("clinical fields for clinical.read").isEqualTo(100);
            }
        }
    }

    @Test
    void theClinicalEntriesAreIndexedByCardAndByKindAndCode() throws SQLException {
        assertThat(strings("""
                select c.relname from pg_index i
                join pg_class c on c.oid = i.indexrelid
                where i.indrelid = 'clinical_entries'::regclass and not i.indisprimary and not i.indisunique""")).containsExactlyInAnyOrder(
                "clinical_entries_card_idx", "clinical_entries_kind_code_idx");
    }

    /** The plan of the query inside app.search_patients, from auto_explain. */
    private static Plan definerSearch(String query) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("select count(*) from app.search_patients(?, 20)")) {
            ps.setString(1, query);
            ps.clearWarnings();
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getInt(1)).as("matches for '%s'", query).isPositive();
            }
            for (SQLWarning w = ps.getWarnings(); w != null; w = w.getNextWarning()) {
                if (w.getMessage().contains("with hits as")) {
                    Matcher duration = Pattern.compile("duration: ([0-9.]+) ms").matcher(w.getMessage());
                    return new Plan(w.getMessage(), duration.find() ? Double.parseDouble(duration.group(1)) : -1);
                }
            }
        }
        throw new AssertionError("auto_explain showed no plan for the search inside app.search_patients");
    }

    private static Plan explain(String sql) throws SQLException {
        String text = String.join("\n", strings("explain (analyze, buffers) " + sql));
        Matcher time = Pattern.compile("Execution Time: ([0-9.]+) ms").matcher(text);
        return new Plan(text, time.find() ? Double.parseDouble(time.group(1)) : -1);
    }

    private static void record(String search, Plan rls, Plan definer) {
        report.add(String.format(Locale.ROOT, "%-34s %-22s %,12d %,10d %10.2f", search, "plain SQL under RLS", rls.rowsRead(), rls.buffers(), rls.ms()));
        report.add(String.format(Locale.ROOT, "%-34s %-22s %,12d %,10d %10.2f", "", "app.search_patients", definer.rowsRead(), definer.buffers(), definer.ms()));
    }

    private static String quote(String literal) {
        return "'" + literal.replace("'", "''") + "'";
    }

    private static String one(String sql) throws SQLException {
        return strings(sql).getFirst();
    }

    private static List<String> strings(String sql) throws SQLException {
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }

    /** An EXPLAIN ANALYZE text and what it says about work done. */
    record Plan(String text, double ms) {

        private static final Pattern SCAN = Pattern.compile(
                "(?:Seq Scan|Bitmap Heap Scan|Index Scan|Index Only Scan)(?: using \\S+)? on (?:patients|health_cards|clinical_entries)\\b"
                        + "[^\\n]*actual time=[0-9.]+\\.\\.[0-9.]+ rows=(\\d+) loops=(\\d+)");
        private static final Pattern REMOVED = Pattern.compile("Rows Removed by (?:Filter|Index Recheck): (\\d+)");
        private static final Pattern BUFFERS = Pattern.compile("Buffers: shared(?: hit=(\\d+))?(?: read=(\\d+))?");

        /** Rows the scans of the patient tables produced plus the rows they read and threw away. */
        long rowsRead() {
            long rows = 0;
            Matcher scan = SCAN.matcher(text);
            while (scan.find()) {
                rows += Long.parseLong(scan.group(1)) * Long.parseLong(scan.group(2));
            }
            Matcher removed = REMOVED.matcher(text);
            while (removed.find()) {
                rows += Long.parseLong(removed.group(1));
            }
            return rows;
        }

        /** Shared buffers of the top node (it includes its children). */
        long buffers() {
            Matcher m = BUFFERS.matcher(text);
            if (!m.find()) {
                return -1;
            }
            return (m.group(1) == null ? 0 : Long.parseLong(m.group(1))) + (m.group(2) == null ? 0 : Long.parseLong(m.group(2)));
        }
    }
}
