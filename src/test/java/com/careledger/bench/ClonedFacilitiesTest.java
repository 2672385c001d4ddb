package com.careledger.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.careledger.core.db.embedded.EmbeddedPostgresAutoConfiguration;
import com.careledger.core.db.embedded.LocalPostgres;
import com.careledger.test.TestDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The set-based path writes what the function path writes. Two databases of their own on the test server: in
 * one, the small size with 14 facilities and 7 templates, facilities 8..14 copied set-based from 1..7; in the
 * other, facilities 8..14 with the same templates through the functions. For each of 8..14, every table holds the
 * same multiset of rows for the copy as for the facility made through the functions, once ids are replaced by a
 * canonical name of the rows they name and the run's clock is left out; the reconciliation shows no difference and
 * the owner's three questions answer the same.
 *
 * <p>Canonical names: rounds of colour refinement over the facility's rows. A row's signature is its table and its
 * columns as JSON, where every uuid of a row of the facility (as a value, or inside a text or JSON value) is
 * replaced by that uuid's colour; a uuid's next colour is a hash of the signatures of the rows it is the key of. The
 * rounds go on until the number of colours stops growing, so a colour stands for the whole tree of rows below it.
 * uuids of rows that are not the facility's (the platform's super admin) stay as they are. Left out: timestamps at
 * or after the start of the run's day (now(), clock_timestamp(): created_at, captured_at, posted_at, audit
 * occurred_at ..., in columns and inside the audit rows' JSON; every date the plan sets is before that day), the
 * xid8 transaction ids and the snapshots of them a paid settlement keeps, the audit row's identity id, and the hash partition an audit row names (services_hN: it
 * follows from the facility's id, which differs between the two paths).
 */
class ClonedFacilitiesTest {

    static final long SEED = 20260101;
    static final int TEMPLATES = 7;
    static final int FACILITIES = 14;
    static final String CLONED = "careledger_clone_a_" + ProcessHandle.current().pid();
    static final String FUNCTIONS = "careledger_clone_b_" + ProcessHandle.current().pid();

    private static LocalPostgres server;
    private static DataGenerator.Target cloned;
    private static DataGenerator.Target functions;
    private static DataGenerator.Result clonedRun;
    private static Instant runDay;

    @BeforeAll
    static void generateBothWays() throws Exception {
        server = TestDatabase.server();
        cloned = database(CLONED);
        functions = database(FUNCTIONS);
        ExecutorService both = Executors.newFixedThreadPool(2);
        try {
            Future<DataGenerator.Result> a = both.submit(() -> new DataGenerator(cloned, Size.SMALL.withFacilities(FACILITIES), SEED, 1, true)
                    .templates(TEMPLATES, true, 0).run());
            Future<DataGenerator.Result> b = both.submit(() -> new DataGenerator(functions, Size.SMALL.withFacilities(FACILITIES), SEED, 1, true)
                    .templates(TEMPLATES, false, TEMPLATES).run());
            clonedRun = a.get();
            b.get();
        } finally {
            both.shutdownNow();
        }
        try (Connection c = cloned.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select ((first_day + days)::timestamp at time zone 'Asia/Kolkata') from bench.run")) {
            rs.next();
            runDay = rs.getTimestamp(1).toInstant();
        }
    }

    private static DataGenerator.Target database(String name) throws SQLException {
        try (Connection c = server.connectAsSuperuser("postgres"); Statement st = c.createStatement()) {
            st.execute("drop database if exists " + name + " with (force)");
            st.execute("create database " + name + " owner " + EmbeddedPostgresAutoConfiguration.OWNER_ROLE
                       + " encoding 'UTF8' template template0");
        }
        String url = server.jdbcUrl(name);
        DataGenerator.migrate(url, EmbeddedPostgresAutoConfiguration.MIGRATOR_ROLE, server.password(EmbeddedPostgresAutoConfiguration.MIGRATOR_ROLE));
        return new DataGenerator.Target(url, LocalPostgres.SUPERUSER, server.password(LocalPostgres.SUPERUSER));
    }

    @AfterAll
    static void dropTheDatabases() throws SQLException {
        try (Connection c = server.connectAsSuperuser("postgres"); Statement st = c.createStatement()) {
            st.execute("drop database if exists " + CLONED + " with (force)");
            st.execute("drop database if exists " + FUNCTIONS + " with (force)");
        }
    }

    static List<Integer> copiedFacilities() {
        return IntStream.rangeClosed(TEMPLATES + 1, FACILITIES).boxed().toList();
    }

    @ParameterizedTest(name = "facility {0}")
    @MethodSource("copiedFacilities")
    void theCopyHoldsTheRowsTheFunctionsWrite(int k) throws SQLException {
        Map<String, List<String>> copy, made;
        try (Connection a = cloned.connect(); Connection b = functions.connect()) {
            copy = canonicalRows(a, facility(a, k));
            made = canonicalRows(b, facility(b, k));
        }
        assertThat(copy.keySet()).as("tables with rows of facility %d", k).isEqualTo(made.keySet());
        assertThat(copy.get("bills")).as("bills of facility %d", k).isNotEmpty();
        assertThat(copy.get("journal_lines")).as("ledger lines of facility %d", k).isNotEmpty();
        assertThat(copy.get("audit_log")).as("audit rows of facility %d", k).isNotEmpty();
        Map<String, String> differing = new TreeMap<>();
        for (String table : made.keySet()) {
            List<String> onlyCopy = new ArrayList<>(copy.get(table)), onlyMade = new ArrayList<>(made.get(table));
            copy.get(table).forEach(onlyMade::remove);
            made.get(table).forEach(onlyCopy::remove);
            if (!onlyCopy.isEmpty() || !onlyMade.isEmpty()) {
                differing.put(table, "%d rows only in the copy, %d only through the functions; first: %s / %s".formatted(
                        onlyCopy.size(), onlyMade.size(), onlyCopy.stream().findFirst().orElse("-"), onlyMade.stream().findFirst().orElse("-")));
            }
        }
        assertThat(differing).as("tables whose canonical rows differ for facility %d", k).isEmpty();
        assertThat(copy).isEqualTo(made);
    }

    @ParameterizedTest(name = "facility {0}")
    @MethodSource("copiedFacilities")
    void reconciliationAndTheOwnersQuestionsAnswerTheSame(int k) throws SQLException {
        try (Connection a = cloned.connect(); Connection b = functions.connect()) {
            UUID fa = facility(a, k), fb = facility(b, k);
            assertThat(answers(a, fa, "select account::text, gateway::text, ledger_paise, source_paise, difference_paise from app.reconciliation(?) order by 1, 2"))
                    .as("reconciliation of facility %d", k)
                    .isNotEmpty()
                    .allSatisfy(row -> assertThat(row).endsWith("|0"))
                    .isEqualTo(answers(b, fb, "select account::text, gateway::text, ledger_paise, source_paise, difference_paise from app.reconciliation(?) order by 1, 2"));
            for (String question : List.of(
                    "select cash_paise, cash_gst_paise, cash_recovery_paise, online_margin_paise, total_paise from app.commission_pending(?)",
                    "select receivable_paise from app.held_for_platform(?)",
                    "select last_settlement_paid_at is null, change_since_paise, open_net_paise from app.pending_since_last_settlement(?)")) {
                assertThat(answers(a, fa, question)).as("%s for facility %d", question, k).hasSize(1)
                        .isEqualTo(answers(b, fb, question));
            }
        }
    }

    @ParameterizedTest(name = "facility {0}")
    @MethodSource("copiedFacilities")
    void theCopyIsTheFacilityItselfNotItsTemplate(int k) throws SQLException {
        try (Connection a = cloned.connect(); PreparedStatement ps = a.prepareStatement("""
                select f.name, f.invoice_prefix, (select min(b.bill_number) from bills b where b.facility_id = f.id),
                       (select count(*) from bills b where b.facility_id = f.id)
                from facilities f where f.id = ?""")) {
            ps.setObject(1, facility(a, k));
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).endsWith(" %04d".formatted(k));
                assertThat(rs.getString(3)).startsWith(rs.getString(2) + "/").endsWith("/000001");
                assertThat(rs.getLong(4)).isPositive();
            }
        }
        assertThat(clonedRun.trialBalance()).isZero();
        assertThat(clonedRun.unbalancedFacilities()).isZero();
        assertThat(clonedRun.rows().get("facilities")).isEqualTo(FACILITIES);
    }

    // ------------------------------------------------------------------------------------------------

    private static UUID facility(Connection c, int k) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select facility_id from bench.facility_progress where facility_no = ?")) {
            ps.setInt(1, k - 1);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("facility %d generated", k).isTrue();
                return rs.getObject(1, UUID.class);
            }
        }
    }

    private static List<String> answers(Connection c, UUID facility, String sql) throws SQLException {
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("set local role " + EmbeddedPostgresAutoConfiguration.APP_ROLE);
        }
        try {
            WorkerSql.context(c, Plan.id(SEED, "super-admin", 0, 0), facility);
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setObject(1, facility, Types.OTHER);
                try (ResultSet rs = ps.executeQuery()) {
                    int n = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        List<String> row = new ArrayList<>();
                        for (int i = 1; i <= n; i++) {
                            row.add(rs.getString(i));
                        }
                        out.add(String.join("|", row));
                    }
                }
            }
            return out;
        } finally {
            c.rollback();
            c.setAutoCommit(true);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([+-]\\d{2}:\\d{2}|Z)");

    /** A row of the facility: its table, its columns, and the uuids it is the key of. */
    private record Row(String table, ObjectNode values, List<String> keys) {
    }

    /** Per table, the sorted canonical rows of one facility. */
    private static Map<String, List<String>> canonicalRows(Connection c, UUID facility) throws SQLException {
        c.setAutoCommit(false);
        try {
            FacilityClone catalog = new FacilityClone(c);
            catalog.collectIds(c, facility);
            Set<String> ids = new java.util.HashSet<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select old::text from pg_temp.clone_ids")) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            List<Row> rows = new ArrayList<>();
            Set<String> hashed = catalog.tables.stream().filter(t -> t.partitionedBy().startsWith("HASH"))
                    .map(FacilityClone.Table::name).collect(Collectors.toSet());
            for (FacilityClone.Table t : catalog.tables) {
                List<String> left = t.columns().stream()
                        .filter(col -> col.type().equals("xid8") || col.type().equals("pg_snapshot")
                                || (t.name().equals("audit_log") && col.name().equals("id")))
                        .map(FacilityClone.Column::name).toList();
                List<String> keys = t.name().equals("facilities") ? List.of("id")
                        : t.uuidKey().stream().filter(k -> !k.equals("facility_id")).toList();
                try (Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("select to_jsonb(t)::text from public.%s t where %s".formatted(t.name(), catalog.rowsOf(t)))) {
                    while (rs.next()) {
                        ObjectNode values = (ObjectNode) JSON.readTree(rs.getString(1));
                        left.forEach(values::remove);
                        if (t.name().equals("audit_log")) {
                            String name = values.get("table_name").asText();
                            for (String parent : hashed) {
                                if (name.matches(parent + "_h[0-9]+")) {
                                    values.put("table_name", parent);
                                }
                            }
                        }
                        List<String> own = keys.stream().map(k -> values.path(k).asText(null)).filter(ids::contains).toList();
                        rows.add(new Row(t.name(), values, own));
                    }
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
            }
            // colour refinement: a uuid's colour is the multiset of the signatures of the rows it is the key of
            Map<String, String> colour = new HashMap<>();
            ids.forEach(id -> colour.put(id, "?"));
            long classes = 1;
            for (int round = 0; round < 30; round++) {
                Map<String, List<String>> byKey = new HashMap<>();
                for (Row r : rows) {
                    String sig = signature(r, colour);
                    for (String k : r.keys()) {
                        byKey.computeIfAbsent(k, x -> new ArrayList<>()).add(sig);
                    }
                }
                Map<String, String> next = new HashMap<>();
                for (String id : ids) {
                    List<String> sigs = byKey.getOrDefault(id, List.of());
                    sigs.sort(null);
                    next.put(id, "#" + Plan.md5Uuid(String.join("\n", sigs)));
                }
                long nextClasses = next.values().stream().distinct().count();
                colour.clear();
                colour.putAll(next);
                if (nextClasses == classes && round > 0) {
                    break;
                }
                classes = nextClasses;
            }
            Map<String, List<String>> out = new TreeMap<>();
            for (Row r : rows) {
                out.computeIfAbsent(r.table(), x -> new ArrayList<>()).add(signature(r, colour));
            }
            out.values().forEach(l -> l.sort(null));
            return out;
        } finally {
            c.rollback();
            c.setAutoCommit(true);
        }
    }

    private static String signature(Row r, Map<String, String> colour) {
        return r.table() + " " + canonical(r.values(), colour);
    }

    private static JsonNode canonical(JsonNode node, Map<String, String> colour) {
        if (node.isObject()) {
            ObjectNode out = JSON.createObjectNode();
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            for (String name : names) {
                out.set(name, canonical(node.get(name), colour));
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JSON.createArrayNode();
            for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                out.add(canonical(it.next(), colour));
            }
            return out;
        }
        if (node.isTextual()) {
            String s = node.asText();
            if (TIMESTAMP.matcher(s).matches() && !OffsetDateTime.parse(s).toInstant().isBefore(runDay)) {
                return TextNode.valueOf("<clock>");
            }
            Matcher m = UUID_TEXT.matcher(s);
            StringBuilder b = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(b, Matcher.quoteReplacement(colour.getOrDefault(m.group(), m.group())));
            }
            m.appendTail(b);
            return TextNode.valueOf(b.toString());
        }
        return node;
    }
}
