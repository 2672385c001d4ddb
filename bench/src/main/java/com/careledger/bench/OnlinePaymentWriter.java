package com.careledger.bench;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.careledger.bench.BillWriter.IssuedBill;

/**
 * A day's online payments: the whole bill, or half of it when the rest is paid in cash ({@link CashWriter}), over the
 * planned methods and gateways. The portal's flow where its functions exist: the billing clerk creates an order at
 * the gateway for the bill ({@code app.create_payment_order}); what the gateway reports is recorded as the
 * payment-webhook system principal, the only one that may: now and then a first attempt the bank declines
 * ({@code app.record_payment_failed}), then the capture ({@code app.capture_payment}); 3 % of payments refunded
 * ({@code app.refund_payment}), half in full and half in part. The context is the clerk's again at the end.
 */
final class OnlinePaymentWriter {

    /** The payment-webhook system principal (V0002__request_context.sql). */
    static final UUID PAYMENT_WEBHOOK = UUID.fromString("00000000-0000-4000-8000-000000000003");

    private final WorkerSql sql;
    private final GeneratorRun run;
    private final GeneratedFacility f;

    OnlinePaymentWriter(WorkerSql sql, GeneratorRun run, GeneratedFacility f) {
        this.sql = sql;
        this.run = run;
        this.f = f;
    }

    /** The online part of each of day {@code d}'s bills, in the order they were issued. */
    void write(int d, List<IssuedBill> issued) throws SQLException {
        List<Object> payBills = new ArrayList<>();
        List<String> gateways = new ArrayList<>(), orders = new ArrayList<>(), payIds = new ArrayList<>(), methods = new ArrayList<>();
        List<Long> amounts = new ArrayList<>();
        List<Boolean> payRefund = new ArrayList<>();
        List<Boolean> payFailedFirst = new ArrayList<>();
        for (IssuedBill bill : issued) {
            Plan.Visit v = bill.visit();
            long total = bill.totalPaise();
            long online = switch (v.payment()) {
                case ONLINE -> total;
                case SPLIT -> total / 2;
                default -> 0;
            };
            String ref = f.reference(d, v.n());
            if (online > 0) {
                payBills.add(bill.id());
                gateways.add(v.gateway());
                orders.add("order_B" + ref);
                payIds.add("pay_B" + ref);
                methods.add(v.method());
                amounts.add(online);
                payRefund.add(v.refundOnline());
                payFailedFirst.add(v.failedAttempt());
            }
        }
        if (!payBills.isEmpty() && run.paymentOrders()) {
            // the portal's flow: an order at the gateway for the bill, now and then a declined attempt,
            // then the capture, which takes the order's row
            sql.exec("""
                    select app.create_payment_order(u.bill, u.gateway::payment_gateway, u.order_id, u.amount)
                    from unnest(?::uuid[], ?::text[], ?::text[], ?::int8[]) with ordinality as u(bill, gateway, order_id, amount, n)
                    order by u.n""",
                    sql.uuidArray(payBills.toArray()), sql.textArray(gateways.toArray(String[]::new)),
                    sql.textArray(orders.toArray(String[]::new)), sql.longArray(amounts.toArray(Long[]::new)));
        }
        if (payBills.isEmpty()) {
            return;
        }
        sql.context(PAYMENT_WEBHOOK, f.id());
        try {
            record(payBills, gateways, orders, payIds, methods, amounts, payRefund, payFailedFirst);
        } finally {
            sql.context(f.clerk(), f.id());
        }
    }

    /** What the gateway reports of the day's orders, as the payment webhook. */
    private void record(List<Object> payBills, List<String> gateways, List<String> orders, List<String> payIds,
                        List<String> methods, List<Long> amounts, List<Boolean> payRefund, List<Boolean> payFailedFirst)
            throws SQLException {
        if (run.paymentOrders()) {
            List<String> failGateways = new ArrayList<>(), failOrders = new ArrayList<>(), failIds = new ArrayList<>(),
                    failMethods = new ArrayList<>();
            for (int k = 0; k < payBills.size(); k++) {
                if (payFailedFirst.get(k)) {
                    failGateways.add(gateways.get(k));
                    failOrders.add(orders.get(k));
                    failIds.add("pay_F" + payIds.get(k).substring(5));
                    failMethods.add(methods.get(k));
                }
            }
            if (!failOrders.isEmpty()) {
                sql.exec("""
                        select app.record_payment_failed(u.gateway::payment_gateway, u.order_id, u.payment_id,
                                                         u.method::payment_method, 'Declined by the issuing bank')
                        from unnest(?::text[], ?::text[], ?::text[], ?::text[]) with ordinality as u(gateway, order_id, payment_id, method, n)
                        order by u.n""",
                        sql.textArray(failGateways.toArray()), sql.textArray(failOrders.toArray()), sql.textArray(failIds.toArray()),
                        sql.textArray(failMethods.toArray()));
            }
        }
        List<UUID> payments = sql.uuids("""
                select app.capture_payment(u.bill, u.gateway::payment_gateway, u.order_id, u.payment_id,
                                           u.method::payment_method, u.amount)
                from unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int8[]) with ordinality
                     as u(bill, gateway, order_id, payment_id, method, amount, n)
                order by u.n""",
                sql.uuidArray(payBills.toArray()), sql.textArray(gateways.toArray(String[]::new)),
                sql.textArray(orders.toArray(String[]::new)), sql.textArray(payIds.toArray(String[]::new)),
                sql.textArray(methods.toArray(String[]::new)), sql.longArray(amounts.toArray(Long[]::new)));
        if (run.refunds()) {
            for (int k = 0; k < payments.size(); k++) {
                if (payRefund.get(k)) {
                    // half of the payments refunded in full, the others in part
                    long amount = k % 2 == 0 ? amounts.get(k) : Math.max(1, amounts.get(k) / 4);
                    sql.optional("app.refund_payment", "select app.refund_payment(?, ?, ?, ?)", payments.get(k),
                            "rfnd_" + payIds.get(k).substring(4), amount, "Service not availed");
                }
            }
        }
    }
}
