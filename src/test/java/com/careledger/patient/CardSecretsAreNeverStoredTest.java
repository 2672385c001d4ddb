package com.careledger.patient;

import static com.careledger.test.TestDatabase.ANIL_CARD;
import static com.careledger.test.TestDatabase.AROGYA;
import static com.careledger.test.TestDatabase.AROGYA_ADMIN;
import static com.careledger.test.TestDatabase.RAHUL_CARD;
import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_BILLING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import com.careledger.test.TestDatabase;
import com.careledger.test.TestSessions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The PIN, the national id and the keys never land in any column, nor in the parameters of a statement
 * nested inside the functions (auto_explain logs those). The app's role sets them (SET ROLE
 * careledger_app, with its signed context) with auto_explain showing every nested statement; then, in
 * the same rolled-back transaction, the superuser looks at every text, json and bytea column of every
 * table, which no app connection could.
 */
class CardSecretsAreNeverStoredTest {

    private static final String PIN = "730519";
    private static final String AADHAAR = "234123412346";
    private static final UUID RAHUL_AT_SANJEEVANI = UUID.fromString("9c4d1b2a-0000-4000-a000-00000000f903");

    private Connection su;
    /** What auto_explain showed during the calls. */
    private final List<String> plans = new ArrayList<>();
    /** The calls themselves, as the server saw their text. */
    private final List<String> calls = new ArrayList<>();

    @BeforeEach
    void setSecretsAsTheApp() throws SQLException {
        su = TestDatabase.connectAsSuperuser();
        su.setAutoCommit(false);
        try (Statement st = su.createStatement()) {
            st.execute("load 'auto_explain'");
            st.execute("set local auto_explain.log_min_duration = 0");
            st.execute("set local auto_explain.log_nested_statements = on");
            st.execute("set local auto_explain.log_level = notice");
            st.execute("set local client_min_messages = notice");
            st.execute("set local role careledger_app");
        }
        context(SANJEEVANI_BILLING, SANJEEVANI);
        call("select app.set_card_pin(?, ?, ?)", ANIL_CARD, PIN, HealthCardPinTest.PIN_KEY);
        call("select app.verify_card_pin(?, ?, ?)", ANIL_CARD, "730518", HealthCardPinTest.PIN_KEY);
        call("select app.set_national_id(?, 'aadhaar', ?, ?, ?)", ANIL_CARD, AADHAAR,
                NationalIdTest.LOOKUP_KEY, NationalIdTest.ENCRYPTION_KEY);
        call("select count(*) from app.find_patients_by_national_id('aadhaar', ?, ?)", AADHAAR, NationalIdTest.LOOKUP_KEY);
        call("select app.reveal_national_id(?, 'aadhaar', ?)", ANIL_CARD, NationalIdTest.ENCRYPTION_KEY);
        // Rahul's card gets its PIN at Arogya; he registers at Sanjeevani, which links the card with it
        context(AROGYA_ADMIN, AROGYA);
        call("select app.set_card_pin(?, ?, ?)", RAHUL_CARD, PIN, HealthCardPinTest.PIN_KEY);
        context(SANJEEVANI_BILLING, SANJEEVANI);
        call("insert into patients (id, facility_id, registration_number, full_name) values (?, ?, 'SMH-000903', 'Rahul Shinde')",
                RAHUL_AT_SANJEEVANI, SANJEEVANI);
        assertThat(call("select app.link_health_card(?, ?, ?, ?)", RAHUL_AT_SANJEEVANI, "8026 1200 0000 1041", PIN,
                HealthCardPinTest.PIN_KEY)).isEqualTo("t");
        try (Statement st = su.createStatement()) {
            st.execute("reset role");
        }
    }

    @AfterEach
    void rollBack() throws SQLException {
        su.rollback();
        su.close();
    }

    @Test
    void noColumnOfAnyTableContainsThePinTheNationalIdOrAKey() throws SQLException {
        List<String> secrets = secrets();
        List<String[]> columns = new ArrayList<>();
        try (Statement st = su.createStatement(); ResultSet rs = st.executeQuery("""
                select format('%I.%I', n.nspname, c.relname), format('%I', a.attname), t.typname
                from pg_attribute a
                join pg_class c on c.oid = a.attrelid
                join pg_namespace n on n.oid = c.relnamespace
                join pg_type t on t.oid = a.atttypid
                where n.nspname in ('public', 'app') and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped
                  and t.typname in ('text', 'varchar', 'bpchar', 'json', 'jsonb', 'bytea')""")) {
            while (rs.next()) {
                columns.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
            }
        }
        assertThat(columns).extracting(c -> c[0] + "." + c[1]).contains("public.health_card_pins.pin_hash", "public.national_ids.ciphertext");
        List<String> found = new ArrayList<>();
        for (String[] column : columns) {
            for (String secret : secrets) {
                // text-like columns as text; bytea by its bytes, and by hex in case someone stored hex
                String condition = column[2].equals("bytea")
                        ? "position(convert_to(?, 'UTF8') in %2$s) > 0 or position(? in encode(%2$s, 'hex')) > 0"
                        : "position(? in %2$s::text) > 0 or position(? in %2$s::text) > 0";
                String sql = ("select count(*) from %1$s where " + condition).formatted(column[0], column[1]);
                try (PreparedStatement ps = su.prepareStatement(sql)) {
                    ps.setString(1, secret);
                    ps.setString(2, HexFormat.of().formatHex(secret.getBytes(StandardCharsets.UTF_8)));
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getLong(1) > 0) {
                            found.add(column[0] + "." + column[1] + " contains " + secret);
                        }
                    }
                }
            }
        }
        assertThat(found).isEmpty();
    }

    @Test
    void noStatementNestedInTheFunctionsGetsThePinTheNationalIdOrAKeyAsParameter() {
        // the calls' own bind parameters are shown too, with their text: those are the app's statements,
        // which the server logs only as configured (docs/database.md: log_parameter_max_length = 0)
        List<String> nested = plans.stream()
                .filter(plan -> calls.stream().noneMatch(call -> plan.contains("Query Text: " + call + "\n")))
                .toList();
        assertThat(nested).as("auto_explain saw the nested statements").hasSizeGreaterThan(10);
        List<String> leaks = nested.stream()
                .filter(plan -> secrets().stream().anyMatch(plan::contains))
                .toList();
        assertThat(leaks).isEmpty();
    }

    @Test
    void thePinIsABcryptHashOfAKeyedHashAndTheFailedTryWasCounted() throws SQLException {
        List<String> row = row("select pin_hash, failed_attempts::text from health_card_pins where card_id = '" + ANIL_CARD + "'");
        assertThat(row.getFirst()).startsWith("$2a$10$").hasSize(60);
        assertThat(row.get(1)).isEqualTo("1");
        // without the key, the PIN does not match its hash: a stolen table cannot be guessed offline
        assertThat(row("""
                select (pin_hash = extensions.crypt('%s', pin_hash))::text,
                       (pin_hash = extensions.crypt(encode(extensions.digest('%s', 'sha256'), 'hex'), pin_hash))::text
                from health_card_pins where card_id = '%s'""".formatted(PIN, PIN, ANIL_CARD))).containsExactly("false", "false");
    }

    @Test
    void theCiphertextIsUselessWithoutTheEncryptionKey() throws SQLException {
        String ciphertext = "(select ciphertext from national_ids where card_id = '" + ANIL_CARD + "')";
        assertThat(row("select extensions.pgp_sym_decrypt(" + ciphertext + ", '" + NationalIdTest.ENCRYPTION_KEY + "')"))
                .containsExactly(AADHAAR);
        for (String wrong : List.of(NationalIdTest.LOOKUP_KEY, HealthCardPinTest.PIN_KEY, NationalIdTest.ENCRYPTION_KEY + " ")) {
            assertThatThrownBy(() -> rowInSavepoint("select extensions.pgp_sym_decrypt(" + ciphertext + ", '" + wrong + "')"))
                    .hasMessageContaining("Wrong key or corrupt data");
        }
        // the lookup hash is keyed: not the plain SHA-256 of the number, which anyone could compute for every Aadhaar
        assertThat(row("""
                select (lookup_hash = extensions.digest('aadhaar:%1$s', 'sha256'))::text,
                       (lookup_hash = extensions.digest('%1$s', 'sha256'))::text
                from national_ids where card_id = '%2$s'""".formatted(AADHAAR, ANIL_CARD))).containsExactly("false", "false");
    }

    private static List<String> secrets() {
        return List.of(PIN, AADHAAR, "2341 2341 2346", HealthCardPinTest.PIN_KEY, NationalIdTest.LOOKUP_KEY, NationalIdTest.ENCRYPTION_KEY);
    }

    /**
     * Runs a call as the app, keeping what auto_explain showed meanwhile. A statement's own plan arrives
     * with the next statement (its portal ends then), so every call's text is kept to tell them apart.
     */
    private String call(String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = su.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i], params[i] instanceof UUID ? Types.OTHER : Types.VARCHAR);
            }
            String first = null;
            if (ps.execute()) {
                try (ResultSet rs = ps.getResultSet()) {
                    first = rs.next() ? rs.getString(1) : null;
                }
            }
            calls.add(positional(sql));
            for (SQLWarning w = ps.getWarnings(); w != null; w = w.getNextWarning()) {
                plans.add(w.getMessage());
            }
            return first;
        }
    }

    private void context(UUID user, UUID tenant) throws SQLException {
        try (PreparedStatement ps = su.prepareStatement("select app.set_current_user(?, ?), app.set_current_tenant(?)")) {
            ps.setObject(1, user, Types.OTHER);
            ps.setString(2, TestSessions.proof(su.getCatalog(), user));
            ps.setObject(3, tenant, Types.OTHER);
            ps.execute();
        }
    }

    /** The text of a JDBC statement as the server sees it: ? become $1, $2, ... */
    private static String positional(String sql) {
        StringBuilder out = new StringBuilder();
        int n = 0;
        for (char c : sql.toCharArray()) {
            if (c == '?') {
                out.append('$').append(++n);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private List<String> row(String sql) throws SQLException {
        try (Statement st = su.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            List<String> out = new ArrayList<>();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                out.add(rs.getString(i));
            }
            return out;
        }
    }

    private List<String> rowInSavepoint(String sql) throws SQLException {
        var savepoint = su.setSavepoint();
        try {
            return row(sql);
        } finally {
            su.rollback(savepoint);
        }
    }
}
