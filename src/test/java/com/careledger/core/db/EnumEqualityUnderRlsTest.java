package com.careledger.core.db;

import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;

import com.careledger.test.AppSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * db/setup/database.sql marks enum equality leakproof, so that under row-level security a condition on an enum
 * column can be an index condition for the app role, as it is for a role that bypasses the policies.
 */
class EnumEqualityUnderRlsTest {

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
    void enumEqualityIsLeakproofInTheDatabase() throws SQLException {
        assertThat(app.strings("""
                select p.oid::regprocedure::text || ' ' || p.proleakproof from pg_proc p
                where p.oid in ('enum_eq(anyenum, anyenum)'::regprocedure, 'enum_ne(anyenum, anyenum)'::regprocedure)
                order by 1""")).containsExactly("enum_eq(anyenum,anyenum) true", "enum_ne(anyenum,anyenum) true");
    }

    /**
     * A scratch table of the app role's own, under a forced policy like every tenant table's, with one index on
     * (facility_id, account): the enum condition must be part of the index condition, not a filter applied to
     * every row of the facility after the policy.
     */
    @Test
    void anEnumConditionIsAnIndexConditionUnderAPolicy() throws SQLException {
        app.as(SANJEEVANI_ADMIN, SANJEEVANI);
        app.execute("create temporary table probe_lines (facility_id uuid, account ledger_account, amount bigint) on commit drop");
        app.execute("create index on probe_lines (facility_id, account)");
        app.execute("alter table probe_lines enable row level security");
        app.execute("alter table probe_lines force row level security");
        app.execute("create policy probe on probe_lines using (facility_id = any ((select app.visible_facilities())::uuid[]))");
        app.execute("set local enable_seqscan = off");
        app.execute("set local enable_bitmapscan = off");
        String plan = String.join("\n", app.strings("""
                explain (costs off) select sum(amount) from probe_lines
                where facility_id = '%s' and account = 'facility_receivable'""".formatted(SANJEEVANI)));
        assertThat(plan).containsPattern("Index Cond: .*account = 'facility_receivable'")
                .doesNotContain("Filter");
    }
}
