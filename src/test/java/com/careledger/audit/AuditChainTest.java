package com.careledger.audit;

import static com.careledger.test.TestDatabase.AROGYA;
import static com.careledger.test.TestDatabase.AROGYA_ADMIN;
import static com.careledger.test.TestDatabase.PATIENT_ANIL;
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
import java.util.UUID;

import com.careledger.audit.domain.AuditSeal;
import com.careledger.test.AppSession;
import com.careledger.test.CommittedDatabase;
import com.careledger.test.TestDatabase;
import com.careledger.test.TestFacilities;
import org.junit.jupiter.api.Test;

/**
 * The audit log is tamper-evident: the sealing job chains committed audit rows per facility and anchors each chain
 * head in {@code audit_seal.seals}, which only the definer role writes; {@code app.verify_audit_chain} recomputes the
 * chain from the rows. The attacker modelled is whoever can change audit rows in place (the owner of the table; here a
 * superuser, who may also switch its triggers off): the tampering is done as a superuser, the sealing and the checking
 * as the app's role with the audit-seal principal's and the admins' contexts. Tampering tests roll back.
 */
class AuditChainTest {

    private static final UUID AUDIT_SEAL = AuditSeal.SYSTEM_USER;

    /** The seals of a facility's chain that do not verify: seal number, rows sealed, rows found, problem. */
    private static final String BROKEN = """
            select seal_no || ' ' || rows_sealed || ' ' || rows_found || ' ' || problem
            from app.verify_audit_chain(?) where not verified order by seal_no""";

    /**
     * A session on the main test database that seals what is committed there (as the audit-seal principal), then is
     * a superuser with triggers off, free to tamper, until {@code as} makes it the app role again. Rolled back at close.
     */
    private static AppSession sealedThenSuperuser() throws SQLException {
        AppSession s = AppSession.openWithDefinerAccess().as(AUDIT_SEAL, null);
        s.strings("select seal_no::text from app.seal_audit_log()");
        s.as(SUPER_ADMIN, null);
        assertThat(s.strings(BROKEN, SANJEEVANI)).as("the chain is whole before any tampering").isEmpty();
        assertThat(s.countOf("select 1 from app.verify_audit_chain(?)", SANJEEVANI)).isPositive();
        s.execute("reset role");
        s.execute("set local session_replication_role = replica");
        return s;
    }

    /** Sanjeevani's sealed audit rows, in chain order (transaction id, id): ids as text. */
    private static List<String> chainOfSanjeevani(AppSession superuser) throws SQLException {
        return superuser.strings("""
                select a.id::text from audit_log a
                where a.facility_id = ? and a.transaction_id < (select max(s.sealed_below) from audit_seal.seals s where s.facility_id = ?)
                order by a.transaction_id, a.id""", SANJEEVANI, SANJEEVANI);
    }

    // Why: "The owner role … may TRUNCATE, un-force RLS or disable triggers on audit partitions": whoever can write the
    // audit log's table can no longer change its past unseen.

    @Test
    void anEditedAuditRowIsDetected() throws SQLException {
        try (AppSession s = sealedThenSuperuser()) {
            String victim = chainOfSanjeevani(s).get(3);
            assertThat(s.update("update audit_log set actor_role = 'super_admin', actor_user_id = null where id = ?::uuid", victim))
                    .isOne();
            s.as(SANJEEVANI_ADMIN, SANJEEVANI);
            assertThat(s.strings(BROKEN, SANJEEVANI)).singleElement().asString().endsWith("a sealed row was changed");
            s.as(AROGYA_ADMIN, AROGYA);
            assertThat(s.strings(BROKEN, AROGYA)).as("another facility's chain").isEmpty();
        }
    }

    @Test
    void aDeletedAuditRowIsDetected() throws SQLException {
        try (AppSession s = sealedThenSuperuser()) {
            List<String> chain = chainOfSanjeevani(s);
            assertThat(s.update("delete from audit_log where id = ?::uuid", chain.get(chain.size() / 2))).isOne();
            s.as(SANJEEVANI_ADMIN, SANJEEVANI);
            assertThat(s.strings(BROKEN, SANJEEVANI)).singleElement().asString().contains("1 of the").endsWith("rows sealed are missing");
        }
    }

    @Test
    void aCutTailIsDetected() throws SQLException {
        try (AppSession s = sealedThenSuperuser()) {
            List<String> chain = chainOfSanjeevani(s);
            for (String id : chain.subList(chain.size() - 3, chain.size())) {
                assertThat(s.update("delete from audit_log where id = ?::uuid", id)).isOne();
            }
            s.as(SUPER_ADMIN, null);
            List<List<String>> broken = s.table("""
                    select seal_no::text, (rows_sealed - rows_found)::text from app.verify_audit_chain(?) where not verified""",
                    SANJEEVANI);
            String lastSeal = s.string("select max(seal_no)::text from app.verify_audit_chain(?)", SANJEEVANI);
            assertThat(broken).extracting(row -> row.get(0)).as("the last seal is among the broken").contains(lastSeal);
            assertThat(broken.stream().mapToLong(row -> Long.parseLong(row.get(1))).sum()).as("rows missing").isEqualTo(3);
        }
    }

    @Test
    void aRowSlippedInBelowASealIsDetected() throws SQLException {
        try (AppSession s = sealedThenSuperuser()) {
            String model = chainOfSanjeevani(s).get(2);
            s.execute("""
                    insert into audit_log (occurred_at, facility_id, actor_user_id, actor_role, table_name, operation, row_key,
                                           new_values, transaction_id)
                    select occurred_at, facility_id, actor_user_id, actor_role, table_name, 'DELETE', row_key, null, transaction_id
                    from audit_log where id = ?::uuid""", model);
            s.as(SANJEEVANI_ADMIN, SANJEEVANI);
            assertThat(s.strings(BROKEN, SANJEEVANI)).singleElement().asString().endsWith("1 rows appeared below the seal's bound after sealing");
        }
    }

    @Test
    void theTextTheChainHashesNamesEveryColumnOfTheAuditLog() throws SQLException {
        assertThat(catalog("""
                select a.attname from pg_attribute a
                where a.attrelid = 'audit_log'::regclass and a.attnum > 0 and not a.attisdropped
                  and (select p.prosrc from pg_proc p where p.oid = 'audit_seal.row_text(public.audit_log)'::regprocedure)
                      !~ ('p_row\\.' || a.attname || '\\M')""")).as("columns a tamperer could change unseen").isEmpty();
    }

    // The seals are anchored where neither the owner nor the app can write.

    @Test
    void theSealsAreWrittenOnlyByTheDefinerRoleAndNeverChanged() throws SQLException {
        assertThat(catalog("""
                select r.rolname from pg_roles r
                where r.rolname like 'careledger%'
                  and (has_table_privilege(r.oid, 'audit_seal.seals', 'INSERT') or has_table_privilege(r.oid, 'audit_seal.seals', 'UPDATE')
                       or has_table_privilege(r.oid, 'audit_seal.seals', 'DELETE') or has_table_privilege(r.oid, 'audit_seal.seals', 'TRUNCATE'))
                  and not pg_has_role(r.oid, 'careledger_definer', 'USAGE')""")).as("roles that may write the seals otherwise").isEmpty();
        assertThat(catalog("""
                select n.nspowner::regrole::text || ' ' || c.relowner::regrole::text || ' ' || coalesce(c.relacl::text, 'no grants')
                from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.oid = 'audit_seal.seals'::regclass"""))
                .containsExactly("careledger_definer careledger_definer no grants");
        for (UUID[] who : new UUID[][] {{SUPER_ADMIN, null}, {SANJEEVANI_ADMIN, SANJEEVANI}, {PATIENT_ANIL, null}}) {
            try (AppSession s = AppSession.open().as(who[0], who[1])) {
                assertThat(s.failure("select * from audit_seal.seals")).hasMessageContaining("permission denied for schema audit_seal");
                assertThat(s.failure("select audit_seal.chain_start(?)", SANJEEVANI)).hasMessageContaining("permission denied for schema");
            }
        }
        try (AppSession s = AppSession.openWithDefinerAccess().as(AUDIT_SEAL, null)) {
            s.strings("select seal_no::text from app.seal_audit_log()");
            s.execute("reset role");
            s.execute("set local role careledger_definer");
            assertThat(s.failure("update audit_seal.seals set rows_total = rows_total + 1")).hasMessageContaining("never updated");
            assertThat(s.failure("delete from audit_seal.seals")).hasMessageContaining("never deleted");
        }
    }

    @Test
    void onlyTheSealPrincipalAndTheSuperAdminSealAndOnlyAFacilitysAdminsAndTheSuperAdminVerifyIt() throws SQLException {
        try (AppSession s = AppSession.open()) {
            for (UUID[] who : new UUID[][] {{SANJEEVANI_ADMIN, SANJEEVANI}, {SANJEEVANI_BILLING, SANJEEVANI}, {PATIENT_ANIL, null},
                    {null, null}}) {
                s.as(who[0], who[1]);
                assertThat(s.sqlFailure("select * from app.seal_audit_log()").getSQLState()).as("seal as %s", who[0]).isEqualTo("42501");
            }
            for (UUID[] who : new UUID[][] {{AROGYA_ADMIN, AROGYA}, {SANJEEVANI_BILLING, SANJEEVANI}, {PATIENT_ANIL, null},
                    {null, null}}) {
                s.as(who[0], who[1]);
                assertThat(s.sqlFailure("select * from app.verify_audit_chain(?)", SANJEEVANI).getSQLState())
                        .as("verify as %s", who[0]).isEqualTo("42501");
            }
            s.as(SANJEEVANI_ADMIN, SANJEEVANI);
            assertThat(s.sqlFailure("select * from app.verify_audit_chain(null)").getSQLState()).isEqualTo("42501");
            s.as(SUPER_ADMIN, null);
            s.strings("select seal_no::text from app.seal_audit_log()");
            assertThat(s.strings("select problem from app.verify_audit_chain(null) where not verified")).isEmpty();
            assertThat(s.countOf("select 1 from app.verify_audit_chain(null)")).as("the platform's own rows are sealed too").isPositive();
        }
    }

    // Commit order: rows of a transaction that commits after a seal run are sealed by the next run, never skipped.

    @Test
    void rowsOfATransactionThatCommitsAfterASealAreSealedByTheNextRun() throws Exception {
        UUID facility;
        try (AppSession s = CommittedDatabase.openWithDefinerAccess()) {
            String tag = UUID.randomUUID().toString().substring(0, 8);
            facility = TestFacilities.onboard(s, "Seal Order Hospital " + tag, "hospital", "admin-" + tag + "@seal.test",
                    "{}", TestFacilities.rates());
            s.commit();
        }
        long before = committedCount(facility);
        try (AppSession early = CommittedDatabase.open(); AppSession late = CommittedDatabase.open()) {
            // the early transaction writes first and stays open; the late one writes after it and commits first
            early.as(SUPER_ADMIN, facility);
            early.execute("insert into staff (facility_id, kind, display_name) values (?, 'nurse', 'Early Writer')", facility);
            late.as(SUPER_ADMIN, facility);
            late.execute("insert into staff (facility_id, kind, display_name) values (?, 'nurse', 'Late Writer')", facility);
            late.commit();

            List<Long> first = sealCommitted(facility);
            assertThat(first).as("the first run seals what was there before, not the row committed behind the open one")
                    .containsExactly(before);

            early.commit();
        }
        List<Long> second = sealCommitted(facility);
        assertThat(second).as("the next run seals both rows").containsExactly(2L);
        assertThat(committedCount(facility)).isEqualTo(before + 2);
        try (AppSession s = CommittedDatabase.open().as(SUPER_ADMIN, facility)) {
            assertThat(s.table("select rows_sealed::text, verified::text from app.verify_audit_chain(?) order by seal_no", facility))
                    .containsExactly(List.of(String.valueOf(before), "true"), List.of("2", "true"));
        }
    }

    /** One committed sealing run on the committed database: the rows it sealed for the facility (none: empty). */
    private static List<Long> sealCommitted(UUID facility) throws SQLException {
        try (AppSession s = CommittedDatabase.open().as(AUDIT_SEAL, null)) {
            List<String> sealed = s.strings("select rows_sealed::text from app.seal_audit_log() where facility_id = ?", facility);
            s.commit();
            return sealed.stream().map(Long::parseLong).toList();
        }
    }

    private static long committedCount(UUID facility) throws SQLException {
        try (AppSession s = CommittedDatabase.open().as(SUPER_ADMIN, facility)) {
            return s.count("select count(*) from audit_log where facility_id = ?", facility);
        }
    }

    private static List<String> catalog(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = TestDatabase.connectAsSuperuser(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
