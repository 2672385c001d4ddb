package com.careledger.bench;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.careledger.bench.BillWriter.IssuedBill;

/**
 * A day at the cash counter, as the billing clerk: a cashier shift opened with a float ({@code app.open_shift}),
 * the cash part of each bill collected ({@code app.collect_cash}; the whole bill, 60 % of it, or the half not paid
 * online), 2 % of collections refunded ({@code app.refund_cash}), half in full and half in part, and the shift
 * closed on the counted cash less the refunds ({@code app.close_shift}), now and then ₹50 short.
 */
final class CashWriter {

    private final WorkerSql sql;
    private final GeneratorRun run;
    private final GeneratedFacility f;

    CashWriter(WorkerSql sql, GeneratorRun run, GeneratedFacility f) {
        this.sql = sql;
        this.run = run;
        this.f = f;
    }

    /** The cash part of each of day {@code d}'s bills, in the order they were issued. */
    void write(int d, List<IssuedBill> issued) throws SQLException {
        List<Object> cashBills = new ArrayList<>();
        List<Long> cashAmounts = new ArrayList<>();
        List<String> cashKeys = new ArrayList<>();
        List<Boolean> cashRefund = new ArrayList<>();
        boolean variance = false;
        for (IssuedBill bill : issued) {
            Plan.Visit v = bill.visit();
            long total = bill.totalPaise();
            long cash = switch (v.payment()) {
                case CASH -> total;
                case CASH_PART -> total * 6 / 10;
                case SPLIT -> total - total / 2;
                default -> 0;
            };
            String ref = f.reference(d, v.n());
            if (cash > 0) {
                cashBills.add(bill.id());
                cashAmounts.add(cash);
                cashKeys.add("bench-cash-" + ref);
                cashRefund.add(v.refundCash());
                variance |= v.cashVariance();
            }
        }
        if (!cashBills.isEmpty()) {
            long opening_float = 200000;
            UUID shift = sql.uuids("select app.open_shift(?)", opening_float).getFirst();
            List<UUID> collections = sql.uuids("""
                    select app.collect_cash(u.bill, u.amount, u.idempotency_key)
                    from unnest(?::uuid[], ?::int8[], ?::text[]) with ordinality as u(bill, amount, idempotency_key, n)
                    order by u.n""",
                    sql.uuidArray(cashBills.toArray()), sql.longArray(cashAmounts.toArray(Long[]::new)),
                    sql.textArray(cashKeys.toArray(String[]::new)));
            long expected = opening_float + cashAmounts.stream().mapToLong(Long::longValue).sum();
            if (run.refunds()) {
                for (int k = 0; k < collections.size(); k++) {
                    if (cashRefund.get(k)) {
                        long amount = k % 2 == 0 ? cashAmounts.get(k) : Math.max(1, cashAmounts.get(k) / 2);
                        if (sql.optional("app.refund_cash", "select app.refund_cash(?, ?, ?, ?)", collections.get(k), amount,
                                "Overcharged at the counter", cashKeys.get(k) + "-refund")) {
                            expected -= amount;
                        }
                    }
                }
            }
            // now and then the drawer is short by a few rupees
            sql.exec("select app.close_shift(?, ?)", shift, expected - (variance ? 5000 : 0));
        }
    }
}
