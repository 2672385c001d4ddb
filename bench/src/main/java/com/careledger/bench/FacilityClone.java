package com.careledger.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The set-based path of the generator: copies every row of a template facility for facility {@code no}, with new
 * ids {@code md5(old id || ':' || no)::uuid} (references among the copies follow, inside text and JSON too), and the
 * facility's own names and keys where the function path would write them (its number in names, e-mails, GSTIN, PAN,
 * invoice prefix, registration and card numbers, gateway and bank references). Which tables, which columns and which
 * rows belong to a facility is read from the catalog: every table with a facility_id, the facility row, and the
 * facility-less tables the facility's rows reference (health cards, gateway settlement batches) or that reference
 * those (clinical records, PINs, national ids), through their foreign keys. See bench/README.md.
 *
 * <p>Runs as the superuser with {@code session_replication_role = replica}: no triggers, no foreign-key checks. The
 * copies are what the triggers already produced for the template, audit rows included.
 */
final class FacilityClone {

    /** A table of the public schema: its columns and how to pick the rows of one facility. */
    record Table(String name, List<Column> columns, List<String> uuidKey, boolean hasFacility, String partitionedBy) {
    }

    record Column(String name, String type, boolean skip) {
    }

    private static final String UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    /** Tables in copy order (audit_log last), and the facility-less ones with the condition that picks the facility's rows. */
    final List<Table> tables = new ArrayList<>();
    /** Facility-less tables reached through foreign keys: the table and the SQL that adds its ids to clone_ids. */
    private final Map<String, List<String>> closure = new LinkedHashMap<>();
    private final Map<String, String> facilityLessRows = new LinkedHashMap<>();

    FacilityClone(Connection c) throws SQLException {
        Map<String, Table> byName = new LinkedHashMap<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("""
                select c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                       -- skipped: what the database makes (an audit row's id: its column default, a new uuid)
                       a.attgenerated <> '' or a.attidentity = 'a' or (c.relname = 'audit_log' and a.attname = 'id'),
                       exists (select 1 from pg_attribute f where f.attrelid = c.oid and f.attname = 'facility_id' and not f.attisdropped),
                       coalesce((select array_to_string(array_agg(k.attname order by k.attname), ',')
                                 from pg_constraint p join pg_attribute k on k.attrelid = p.conrelid and k.attnum = any (p.conkey)
                                 where p.conrelid = c.oid and p.contype = 'p' and k.atttypid = 'uuid'::regtype), ''),
                       coalesce(pg_get_partkeydef(c.oid), '')
                from pg_class c join pg_namespace n on n.oid = c.relnamespace
                join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
                where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
                  and c.relname not in ('flyway_schema_history')
                order by c.relname = 'audit_log', c.relname, a.attnum""")) {
            while (rs.next()) {
                String table = rs.getString(1);
                Table t = byName.computeIfAbsent(table, n -> {
                    try {
                        // an audit row's id is made anew for the copy and named by nothing: not an id to map
                        boolean keyless = rs.getString(6).isEmpty() || n.equals("audit_log");
                        return new Table(n, new ArrayList<>(), keyless ? List.of() : List.of(rs.getString(6).split(",")),
                                rs.getBoolean(5), rs.getString(7));
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
                t.columns().add(new Column(rs.getString(2), rs.getString(3), rs.getBoolean(4)));
            }
        }
        // single-column foreign keys: (from table, from column, to table, to column)
        List<String[]> fks = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("""
                select f.relname, fa.attname, t.relname, ta.attname
                from pg_constraint k
                join pg_class f on f.oid = k.conrelid join pg_class t on t.oid = k.confrelid
                join pg_attribute fa on fa.attrelid = k.conrelid and fa.attnum = k.conkey[1]
                join pg_attribute ta on ta.attrelid = k.confrelid and ta.attnum = k.confkey[1]
                where k.contype = 'f' and k.connamespace = 'public'::regnamespace and cardinality(k.conkey) = 1
                  and ta.atttypid = 'uuid'::regtype and not f.relispartition""")) {
            while (rs.next()) {
                fks.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)});
            }
        }
        Set<String> included = new LinkedHashSet<>();
        for (Table t : byName.values()) {
            if (t.hasFacility() || t.name().equals("facilities")) {
                included.add(t.name());
            }
        }
        // facility-less tables with a uuid key that the facility's rows reference, then those that reference them
        boolean more = true;
        while (more) {
            more = false;
            for (Table x : byName.values()) {
                if (included.contains(x.name()) || x.uuidKey().size() != 1) {
                    continue;
                }
                String key = x.uuidKey().getFirst();
                List<String> adds = new ArrayList<>();
                for (String[] fk : fks) {
                    if (fk[2].equals(x.name()) && fk[3].equals(key) && included.contains(fk[0])) {
                        adds.add("select t.%s from public.%s t where %s and t.%s is not null"
                                .formatted(fk[1], fk[0], rowsOf(byName.get(fk[0])), fk[1]));
                    } else if (fk[0].equals(x.name()) && included.contains(fk[2]) && !byName.get(fk[2]).hasFacility()
                               && !fk[2].equals("facilities")) {
                        adds.add("select t.%s from public.%s t where t.%s in (select old from pg_temp.clone_ids)"
                                .formatted(key, x.name(), fk[1]));
                    }
                }
                if (!adds.isEmpty()) {
                    included.add(x.name());
                    closure.put(x.name(), adds);
                    facilityLessRows.put(x.name(), "t.%s in (select old from pg_temp.clone_ids)".formatted(key));
                    more = true;
                }
            }
        }
        for (Table t : byName.values()) {
            if (included.contains(t.name())) {
                tables.add(t);
            }
        }
    }

    /** The condition that picks the rows of the facility in :template (a psql-free placeholder, see fill). */
    String rowsOf(Table t) {
        if (t.name().equals("facilities")) {
            return "t.id = pg_temp.facility()";
        }
        if (t.name().equals("audit_log")) {
            // the facility's audit rows, and those of its facility-less rows (health cards), found by their key
            return "(t.facility_id = pg_temp.facility() or (t.facility_id is null and t.table_name = any (pg_temp.facility_less())"
                   + " and exists (select 1 from jsonb_each_text(t.row_key) k join pg_temp.clone_ids c"
                   + " on c.old = case when k.value ~ '^" + UUID_PATTERN + "$' then k.value::uuid end)))";
        }
        if (t.hasFacility()) {
            return "t.facility_id = pg_temp.facility()";
        }
        return facilityLessRows.get(t.name());
    }

    /**
     * Fills pg_temp.clone_ids with the ids of every row of the facility (uuid key columns, and the facility-less
     * rows reached through foreign keys), and defines pg_temp.facility() and pg_temp.facility_less().
     */
    void collectIds(Connection c, UUID facility) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("drop table if exists pg_temp.clone_ids");
            st.execute("create temp table clone_ids (old uuid primary key)");
            st.execute("create or replace function pg_temp.facility() returns uuid language sql immutable as $$ select '"
                       + facility + "'::uuid $$");
            st.execute("create or replace function pg_temp.facility_less() returns text[] language sql immutable as $$ select array["
                       + String.join(", ", facilityLessRows.keySet().stream().map(n -> "'" + n + "'").toList())
                       + "]::text[] $$");
            for (Table t : tables) {
                if (t.hasFacility() || t.name().equals("facilities")) {
                    for (String key : t.uuidKey()) {
                        st.execute("insert into pg_temp.clone_ids select distinct t.%s from public.%s t where %s on conflict do nothing"
                                .formatted(key, t.name(), rowsOf(t)));
                    }
                }
            }
            for (Map.Entry<String, List<String>> e : closure.entrySet()) {
                for (String sql : e.getValue()) {
                    st.execute("insert into pg_temp.clone_ids " + sql + " on conflict do nothing");
                }
            }
            st.execute("analyze pg_temp.clone_ids");
            // the facility-less rows by table and key: their audit rows are found by row_key (stage)
            st.execute("drop table if exists pg_temp.less_ids");
            st.execute("create temp table less_ids (tbl text, key jsonb)");
            for (Table t : tables) {
                if (facilityLessRows.containsKey(t.name())) {
                    String key = t.uuidKey().getFirst();
                    st.execute("insert into pg_temp.less_ids select %s, jsonb_build_object(%s, t.%s) from public.%s t where %s"
                            .formatted(lit(t.name()), lit(key), quote(key), t.name(), rowsOf(t)));
                }
            }
            st.execute("analyze pg_temp.less_ids");
        }
    }

    /** What the template's strings become for the new facility: literal replacements, whole values, the card series. */
    record Renames(Map<String, String> within, Map<String, String> whole, String cardFrom, String cardTo) {
    }

    static Renames renames(long seed, int template, int no) {
        Catalogue.Type type = Plan.type(template);
        FacilityNames t = FacilityNames.of(template, template), n = FacilityNames.of(no, template);
        Map<String, String> within = new LinkedHashMap<>();
        // longest first where one contains another: the GSTIN holds the PAN
        within.put(t.gstin(), n.gstin());
        within.put(t.pan(), n.pan());
        within.put(t.name(), n.name());
        within.put("admin.%04d@".formatted(template + 1), "admin.%04d@".formatted(no + 1));
        within.put("billing.%04d@".formatted(template + 1), "billing.%04d@".formatted(no + 1));
        within.put("Billing clerk " + (template + 1), "Billing clerk " + (no + 1));
        within.put("MMC-%05d".formatted(template), "MMC-%05d".formatted(no));
        within.put("5010%08d".formatted(template + 1), "5010%08d".formatted(no + 1));
        within.put(type.prefix() + "R" + (template + 1) + "-", type.prefix() + "R" + (no + 1) + "-");
        within.put(t.invoicePrefix() + "/", n.invoicePrefix() + "/");
        within.put("\"" + t.invoicePrefix() + "\"", "\"" + n.invoicePrefix() + "\"");
        within.put("B%d_%d_".formatted(seed, template), "B%d_%d_".formatted(seed, no));
        within.put("F%d_%d_".formatted(seed, template), "F%d_%d_".formatted(seed, no));
        within.put("bench-cash-%d_%d_".formatted(seed, template), "bench-cash-%d_%d_".formatted(seed, no));
        for (String bank : List.of("RZPB", "PAYUB", "NEFTB")) {
            within.put("%s%d%04d".formatted(bank, seed % 1000, template), "%s%d%04d".formatted(bank, seed % 1000, no));
        }
        within.entrySet().removeIf(e -> e.getKey().equals(e.getValue()));
        Map<String, String> whole = new LinkedHashMap<>();
        whole.put(t.invoicePrefix(), n.invoicePrefix());
        return new Renames(within, whole, "8" + "%05d".formatted(template), "8" + "%05d".formatted(no));
    }

    /** pg_temp.rw(text): the template's strings become the facility's; ids of copied rows become the copies' ids. */
    static String rewriteFunction(Renames r, int no) {
        StringBuilder f = new StringBuilder("""
                create or replace function pg_temp.rw(p text) returns text language plpgsql stable as $f$
                declare
                  s text := p;
                  m text[];
                  v text;
                begin
                  if s is null then
                    return null;
                  end if;
                """);
        r.whole().forEach((a, b) -> f.append("  if s = ").append(lit(a)).append(" then return ").append(lit(b)).append("; end if;\n"));
        for (Map.Entry<String, String> e : r.within().entrySet()) {
            f.append("  s := replace(s, ").append(lit(e.getKey())).append(", ").append(lit(e.getValue())).append(");\n");
        }
        f.append("""
                  if s ~ '%1$s' then
                    for m in select regexp_matches(s, '%1$s', 'g') loop
                      if exists (select 1 from pg_temp.clone_ids c where c.old = m[1]::uuid) then
                        s := replace(s, m[1], md5(m[1] || ':' || %2$d)::uuid::text);
                      end if;
                    end loop;
                  end if;
                  if s ~ '%3$s[0-9]{10}' then
                    for m in select regexp_matches(s, '(?<![0-9])(%3$s[0-9]{10})(?![0-9])', 'g') loop
                      v := '%4$s' || substr(m[1], 7, 9);
                      s := replace(s, m[1], v || app.verhoeff_check_digit(v));
                    end loop;
                  end if;
                  return s;
                end
                $f$;
                """.formatted("(" + UUID_PATTERN + ")", no, r.cardFrom(), r.cardTo()));
        // the same in plain SQL for the common case (no id or card number inside), which the planner inlines
        String chain = "s";
        for (Map.Entry<String, String> e : r.within().entrySet()) {
            chain = "replace(" + chain + ", " + lit(e.getKey()) + ", " + lit(e.getValue()) + ")";
        }
        StringBuilder whole = new StringBuilder();
        r.whole().forEach((a, b) -> whole.append(" when s = ").append(lit(a)).append(" then ").append(lit(b)));
        f.append("""
                create or replace function pg_temp.rs(s text) returns text language sql stable as $f$
                  select case when s ~ '%1$s' or s ~ '%2$s[0-9]{10}' then pg_temp.rw(s)%3$s else %4$s end
                $f$;
                """.formatted(UUID_PATTERN, r.cardFrom(), whole, chain));
        // a JSON object with the keys a copy changes found beforehand (stage): what pg_temp.rw does to each value
        f.append("""
                create or replace function pg_temp.rjo(j jsonb, ids text[], edits text[]) returns jsonb language sql stable as $f$
                  select j
                    || coalesce((select jsonb_object_agg(k, md5((j ->> k) || ':' || %1$d)::uuid::text) from unnest(ids) k), '{}')
                    || coalesce((select jsonb_object_agg(k, case when jsonb_typeof(j -> k) = 'string' then to_jsonb(pg_temp.rs(j ->> k))
                                                                else pg_temp.rw((j -> k)::text)::jsonb end)
                                 from unnest(edits) k), '{}')
                $f$;
                """.formatted(no));
        return f.toString();
    }

    /** A string that matches itself in a regular expression. */
    private static String regexLiteral(String s) {
        return s.replaceAll("[\\\\.^$|?*+()\\[\\]{}]", "\\\\$0");
    }

    private static String lit(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    /** The template whose rows the temporary source tables of this connection hold (see stage). */
    private UUID staged;

    /**
     * Reads the template facility's rows once into temporary tables (pg_temp.src_0, src_1, … in the order of
     * {@link #tables}), with its ids in pg_temp.clone_ids, so each copy reads only those: finding the facility-less
     * rows (health cards and their audit rows) in the whole database once per copy grew with every copy. Each JSON
     * object also gets the keys whose values a copy changes (see {@link #jsonExpression}). Commits.
     */
    void stage(Connection c, long seed, int template, UUID templateFacility) throws SQLException {
        if (templateFacility.equals(staged)) {
            return;
        }
        long started = System.nanoTime();
        staged = null;
        collectIds(c, templateFacility);
        Renames r = renames(seed, template, template + 1);
        List<String> keys = new ArrayList<>(r.within().keySet());
        keys.addAll(r.whole().keySet());
        try (Statement st = c.createStatement()) {
            // the strings a copy may change: an id or a card number inside, or one of the template's names
            st.execute("""
                    create or replace function pg_temp.changes(s text) returns boolean language sql immutable as $f$
                      select s ~ %3$s
                    $f$;
                    create or replace function pg_temp.id_keys(j jsonb) returns text[] language sql stable as $f$
                      select case when jsonb_typeof(j) = 'object' then array(
                        select e.key from jsonb_each(j) e
                        where jsonb_typeof(e.value) = 'string' and (e.value #>> '{}') ~ '^%1$s$'
                          and exists (select 1 from pg_temp.clone_ids c where c.old = (e.value #>> '{}')::uuid)) end
                    $f$;
                    create or replace function pg_temp.edit_keys(j jsonb, ids text[]) returns text[] language sql stable as $f$
                      select case when jsonb_typeof(j) = 'object' then array(
                        select e.key from jsonb_each(j) e
                        where e.key <> all (ids)
                          and (jsonb_typeof(e.value) in ('object', 'array')
                               or jsonb_typeof(e.value) = 'string' and pg_temp.changes(e.value #>> '{}'))) end
                    $f$;
                    """.formatted(UUID_PATTERN, r.cardFrom(),
                    lit(String.join("|", Stream.concat(Stream.of(UUID_PATTERN, r.cardFrom() + "[0-9]{10}"),
                            keys.stream().map(FacilityClone::regexLiteral)).toList()))));
            for (int i = 0; i < tables.size(); i++) {
                Table t = tables.get(i);
                StringBuilder extra = new StringBuilder();
                StringBuilder idKeys = new StringBuilder();
                int n = 0;
                for (Column col : t.columns()) {
                    if (col.type().equals("jsonb") && !col.skip()) {
                        extra.append(", k%4$d.ids as %2$s, pg_temp.edit_keys(t.%1$s, k%4$d.ids) as %3$s"
                                .formatted(quote(col.name()), quote(col.name() + "$ids"), quote(col.name() + "$edits"), n));
                        idKeys.append(" cross join lateral (select pg_temp.id_keys(t.%s) as ids) k%d".formatted(quote(col.name()), n));
                        n++;
                    }
                }
                st.execute("drop table if exists pg_temp.src_" + i);
                if (t.name().equals("audit_log")) {
                    // what rowsOf picks, through the indexes: the facility's rows, and the facility-less rows' by their key
                    st.execute("create temp table src_%d as select t.*%s from public.audit_log t%s where t.facility_id = pg_temp.facility()"
                            .formatted(i, extra, idKeys));
                    st.execute("""
                            insert into pg_temp.src_%d select t.*%s from pg_temp.less_ids l
                            join public.audit_log t on t.row_key @> l.key and t.table_name = l.tbl and t.facility_id is null%s"""
                            .formatted(i, extra, idKeys));
                } else {
                    st.execute("create temp table src_%d as select t.*%s from public.%s t%s where %s"
                            .formatted(i, extra, t.name(), idKeys, rowsOf(t)));
                }
            }
        }
        c.commit();
        staged = templateFacility;
        StatementProfile.time("copy: stage", started);
    }

    /**
     * Copies the template facility for facility {@code no} in the connection's open transaction; returns the rows
     * written. The caller commits.
     */
    long copy(Connection c, long seed, int template, UUID templateFacility, int no) throws SQLException {
        stage(c, seed, template, templateFacility);
        UUID facility = newId(templateFacility, no);
        long rows = 0;
        try (Statement st = c.createStatement()) {
            st.execute("set local session_replication_role = replica");
            st.execute(rewriteFunction(renames(seed, template, no), no));
            // the hash partition a facility's rows fall in has its name in the audit rows
            List<String> hashed = tables.stream().filter(t -> t.partitionedBy().startsWith("HASH")).map(Table::name).toList();
            for (int i = 0; i < tables.size(); i++) {
                Table t = tables.get(i);
                List<String> names = new ArrayList<>();
                List<String> values = new ArrayList<>();
                for (Column col : t.columns()) {
                    if (col.skip()) {
                        continue;
                    }
                    names.add(quote(col.name()));
                    values.add(expression(t, col, no));
                }
                String sql = "insert into public.%s (%s) select %s from pg_temp.src_%d t".formatted(t.name(), String.join(", ", names),
                        String.join(", ", values), i);
                if (t.name().equals("audit_log")) {
                    sql = sql.replace("pg_temp.part(t.table_name)", partitionSwap(c, hashed, templateFacility, facility));
                }
                long at = System.nanoTime();
                rows += st.executeUpdate(sql);
                StatementProfile.time("copy " + t.name(), at);
            }
        }
        return rows;
    }

    /** The table_name of an audit row of a hash-partitioned table: the partition the copy went to. */
    private static String partitionSwap(Connection c, List<String> hashed, UUID template, UUID facility) throws SQLException {
        StringBuilder cases = new StringBuilder("case");
        for (String table : hashed) {
            String from = partitionOf(c, table, template);
            String to = partitionOf(c, table, facility);
            if (from != null && to != null) {
                cases.append(" when t.table_name = ").append(lit(from)).append(" then ").append(lit(to));
            }
        }
        return cases.length() == 4 ? "t.table_name" : cases + " else t.table_name end";
    }

    private static String partitionOf(Connection c, String table, UUID facility) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select tableoid::regclass::text from public." + table + " where facility_id = ? limit 1")) {
            ps.setObject(1, facility);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static String expression(Table t, Column col, int no) {
        String v = "t." + quote(col.name());
        if (t.name().equals("audit_log") && col.name().equals("table_name")) {
            return "pg_temp.part(t.table_name)";
        }
        return switch (col.type()) {
            case "uuid" -> "case when exists (select 1 from pg_temp.clone_ids c where c.old = %1$s) then md5(%1$s::text || ':' || %2$d)::uuid else %1$s end"
                    .formatted(v, no);
            case "text" -> "pg_temp.rs(%s)".formatted(v);
            case "jsonb" -> jsonExpression(v, col);
            default -> v;
        };
    }

    /**
     * A JSON value of the copy. An object keeps its other keys and gets new values for the keys found at stage time:
     * a copied row's id becomes the copy's id, a string goes through pg_temp.rs, a nested value through pg_temp.rw.
     * Anything else (an array, a scalar) goes through pg_temp.rw as text.
     */
    private static String jsonExpression(String v, Column col) {
        return "case when %1$s is null then null when t.%2$s is null then pg_temp.rw(%1$s::text)::jsonb else pg_temp.rjo(%1$s, t.%2$s, t.%3$s) end"
                .formatted(v, quote(col.name() + "$ids"), quote(col.name() + "$edits"));
    }

    static UUID newId(UUID old, int no) {
        return Plan.md5Uuid(old + ":" + no);
    }

    private static String quote(String name) {
        return name.matches("[a-z_][a-z0-9_]*") ? name : "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
