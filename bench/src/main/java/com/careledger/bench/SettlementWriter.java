package com.careledger.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * At the end of each settlement cycle, as the super admin: a settlement of the facility's open items
 * ({@code app.create_settlement}; mixed, or online and cash apart when netting is not allowed), submitted, approved
 * and paid; those of the last 45 days stay pending. A step the function refuses is rolled back to its savepoint and
 * noted as skipped.
 */
final class SettlementWriter {

    private final WorkerSql sql;
    private final GeneratorRun run;
    private final GeneratedFacility f;
    private final SkippedSteps skipped;

    SettlementWriter(WorkerSql sql, GeneratorRun run, GeneratedFacility f, SkippedSteps skipped) {
        this.sql = sql;
        this.run = run;
        this.f = f;
        this.skipped = skipped;
    }

    /** A settlement of the cycle ending on day {@code d}: made, submitted, approved and paid; the last cycles stay pending. */
    void write(int d, LocalDate date) throws SQLException {
        Connection c = sql.connection();
        sql.context(run.superAdmin(), null);
        boolean netting = f.netting();
        LocalDate today = LocalDate.now(DataGenerator.IST);
        LocalDate from = date.minusDays(f.cycleDays() - 1);
        for (String kind : netting ? List.of("mixed") : List.of("online_pg", "cash_commission")) {
            Savepoint sp = c.setSavepoint();
            try {
                UUID settlement = sql.uuids("select app.create_settlement(?, ?::settlement_type, ?, ?, true)",
                        f.id(), kind, from, today).getFirst();
                if (sql.uuids("select s.id from settlements s where s.id = ? and s.allocations_count > 0", settlement).isEmpty()) {
                    // nothing open of this kind (bills left unpaid, say): no settlement, as app.create_due_settlements does
                    c.rollback(sp);
                    continue;
                }
                sql.exec("select app.submit_settlement(?)", settlement);
                if (d < run.size().days() - 45) {
                    sql.exec("select app.approve_settlement(?)", settlement);
                    sql.exec("select app.pay_settlement(?, ?)", settlement,
                            "NEFTB%d%04d%04d%s".formatted(run.seed() % 1000, f.no(), d, kind.substring(0, 1).toUpperCase(Locale.ROOT)));
                }
                c.releaseSavepoint(sp);
            } catch (SQLException e) {
                c.rollback(sp);
                skipped.add("settlement", "a settlement (" + kind + ")", e.getMessage());
            }
        }
        sql.context(f.clerk(), f.id());
    }
}
