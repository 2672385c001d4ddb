package com.careledger.bench;

import java.sql.Array;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/**
 * Every seventh day, as the super admin: the facility's captured payments (and refunds) not yet in a batch, in one
 * gateway settlement batch per gateway ({@code app.record_gateway_settlement}), settled two days later (at the
 * latest today), as the gateway reports it; one batch in forty states ten rupees less than its items (flagged
 * mismatched).
 */
final class GatewayBatchWriter {

    private final WorkerSql sql;
    private final GeneratorRun run;
    private final GeneratedFacility f;

    GatewayBatchWriter(WorkerSql sql, GeneratorRun run, GeneratedFacility f) {
        this.sql = sql;
        this.run = run;
        this.f = f;
    }

    /** The week's captured payments (and refunds) of this facility in one batch per gateway, as the gateway reports it. */
    void write(int d, LocalDate date) throws SQLException {
        long seed = run.seed();
        sql.context(run.superAdmin(), null);
        LocalDate today = LocalDate.now(DataGenerator.IST);
        LocalDate settledOn = date.plusDays(2).isAfter(today) ? today : date.plusDays(2);
        for (String gateway : List.of("payu", "razorpay")) {
            List<UUID> payments = sql.uuids("""
                    select p.id from payments p
                    where p.facility_id = ? and p.gateway = ?::payment_gateway
                      and p.gateway_settlement_id is null and p.captured_at is not null
                    order by p.id""", f.id(), gateway);
            List<UUID> paidBack = !run.refunds() ? List.of() : sql.uuids("""
                    select r.id from payment_refunds r
                    where r.facility_id = ? and r.gateway = ?::payment_gateway and r.gateway_settlement_id is null
                    order by r.id""", f.id(), gateway);
            if (payments.isEmpty() && paidBack.isEmpty()) {
                continue;
            }
            String utr = "%sB%d%04d%04d".formatted(gateway.equals("razorpay") ? "RZP" : "PAYU", seed % 1000, f.no(), d);
            // one batch in forty states ten rupees less than its items add up to: flagged mismatched
            long shortfall = Math.floorMod(Plan.mix(seed, f.plan(), d), 40) == 0 ? 1000 : 0;
            Array p = sql.uuidArray(payments.toArray()), r = sql.uuidArray(paidBack.toArray());
            // what the gateway pays: each payment less its fee and the fee's GST, less what it refunded
            String refunded = run.refunds()
                    ? "(select coalesce(sum(x.amount_paise), 0) from payment_refunds x where x.id = any (?::uuid[]))"
                    : "(select 0 where ?::uuid[] is not null)";
            sql.exec("""
                    select app.record_gateway_settlement(?::payment_gateway, ?, ?,
                             greatest(0, (select coalesce(sum(x.amount_paise - x.gateway_fee_paise - x.gateway_gst_paise), 0)
                                          from payments x where x.id = any (?::uuid[])) - %s - ?)::bigint,
                             ?::uuid[], ?::uuid[])""".formatted(refunded),
                    gateway, utr, settledOn, p, r, shortfall, p, r);
        }
        sql.context(f.clerk(), f.id());
    }
}
