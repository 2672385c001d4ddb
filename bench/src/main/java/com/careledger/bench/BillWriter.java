package com.careledger.bench;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A day's bills, made by the billing clerk as the app role under RLS through the same INSERTs the portal issues:
 * one per completed visit or counter sale, with one to four lines, a discount now and then
 * ({@code app.set_bill_discount}), issued at the moment of the visit with {@code app.issue_bill_at}, which only its
 * owner may call, so that statement runs as the definer role with the clerk's context (see bench/README.md).
 */
final class BillWriter {

    /** A bill issued today for a visit, with its total. */
    record IssuedBill(Plan.Visit visit, UUID id, long totalPaise) {
    }

    private final WorkerSql sql;
    private final GeneratedFacility f;

    BillWriter(WorkerSql sql, GeneratedFacility f) {
        this.sql = sql;
        this.f = f;
    }

    /** The bills of day {@code d} (the visits' slots start at {@code opening}), in the order they were issued. */
    List<IssuedBill> write(int d, LocalDate date, ZonedDateTime opening, List<Plan.Visit> visits) throws SQLException {
        Catalogue.Type type = f.type();
        List<UUID> bills = new ArrayList<>();
        List<Plan.Visit> billed = new ArrayList<>();
        List<ZonedDateTime> issuedAt = new ArrayList<>();

        // made and issued by the billing clerk, in the order of their moment of issue
        sql.context(f.clerk(), f.id());
        for (Plan.Visit v : visits) {
            if (v.outcome() != Plan.Outcome.BILLED) {
                continue;
            }
            ZonedDateTime at = type.counterSalesOnly()
                    ? opening.plusMinutes((long) v.slot() * 720 / Math.max(1, visits.size()) + v.issueDelayMinutes() % 10)
                    : opening.plusMinutes((long) v.slot() * type.slotMinutes()
                                          + type.services().get(v.service()).minutes() + v.issueDelayMinutes());
            billed.add(v);
            issuedAt.add(at);
        }
        if (billed.isEmpty()) {
            return List.of();
        }
        Integer[] order = new Integer[billed.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparing((Integer i) -> issuedAt.get(i)));

        int n = billed.size();
        Object[] billPatients = new Object[n], appointments = new Object[n];
        String[] appointmentDays = new String[n];
        for (int i = 0; i < n; i++) {
            Plan.Visit v = billed.get(i);
            billPatients[i] = f.patient(v.patient());
            appointments[i] = type.counterSalesOnly() ? null : f.appointment(d, v.n());
            appointmentDays[i] = type.counterSalesOnly() ? null : date.toString();
        }
        // the database names the bills; returned in the order of the rows inserted
        bills.addAll(sql.uuids("""
                insert into bills (facility_id, patient_id, appointment_id, appointment_starts_on)
                select ?, u.patient, u.appointment, u.starts_on
                from unnest(?::uuid[], ?::uuid[], ?::date[]) with ordinality as u(patient, appointment, starts_on, n)
                order by u.n
                returning id""",
                f.id(), sql.uuidArray(billPatients), sql.uuidArray(appointments), sql.textArray(appointmentDays)));
        List<Object> lineBills = new ArrayList<>(), lineServices = new ArrayList<>(), lineProducts = new ArrayList<>();
        List<Long> lineQuantities = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Plan.Visit v = billed.get(i);
            for (Plan.Line line : v.lines()) {
                lineBills.add(bills.get(i));
                lineServices.add(line.service() < 0 ? null : f.service(line.service()));
                lineProducts.add(line.product() < 0 ? null : f.product(line.product()));
                lineQuantities.add((long) line.quantity());
            }
        }
        sql.exec("""
                insert into bill_items (facility_id, bill_id, service_id, product_id, quantity)
                select ?, u.bill, u.service, u.product, u.quantity
                from unnest(?::uuid[], ?::uuid[], ?::uuid[], ?::int8[]) with ordinality as u(bill, service, product, quantity, n)
                order by u.n""",
                f.id(), sql.uuidArray(lineBills.toArray()), sql.uuidArray(lineServices.toArray()),
                sql.uuidArray(lineProducts.toArray()), sql.longArray(lineQuantities.toArray(Long[]::new)));
        Map<UUID, Long> totals = amounts(bills, "subtotal_paise");
        List<Object> discounted = new ArrayList<>();
        List<Long> discounts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Plan.Visit v = billed.get(i);
            if (v.discountPercent() > 0) {
                long subtotal = totals.get(bills.get(i));
                long discount = subtotal * v.discountPercent() / 100 / 100 * 100;
                if (discount > 0 && discount < subtotal) {
                    discounted.add(bills.get(i));
                    discounts.add(discount);
                }
            }
        }
        if (!discounted.isEmpty()) {
            sql.exec("select app.set_bill_discount(u.bill, u.discount) from unnest(?::uuid[], ?::int8[]) as u(bill, discount)",
                    sql.uuidArray(discounted.toArray()), sql.longArray(discounts.toArray(Long[]::new)));
        }
        // issued at the moment of the visit: app.issue_bill_at, which only its owner may call (see README)
        Object[] issueIds = new Object[n];
        String[] issueAt = new String[n];
        for (int k = 0; k < n; k++) {
            issueIds[k] = bills.get(order[k]);
            issueAt[k] = issuedAt.get(order[k]).toOffsetDateTime().toString();
        }
        sql.role("careledger_definer");
        sql.exec("""
                select app.issue_bill_at(u.bill, u.at)
                from unnest(?::uuid[], ?::timestamptz[]) with ordinality as u(bill, at, n)
                order by u.n""",
                sql.uuidArray(issueIds), sql.textArray(issueAt));
        sql.role(DataGenerator.APP_ROLE);
        totals = amounts(bills, "total_paise");

        List<IssuedBill> out = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            int i = order[k];
            out.add(new IssuedBill(billed.get(i), bills.get(i), totals.get(bills.get(i))));
        }
        return out;
    }

    private Map<UUID, Long> amounts(List<UUID> bills, String column) throws SQLException {
        Map<UUID, Long> out = new HashMap<>();
        try (PreparedStatement ps = sql.prepare("select id, " + column + " from bills where id = any (?::uuid[])",
                sql.uuidArray(bills.toArray()));
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getObject(1, UUID.class), rs.getLong(2));
            }
        }
        return out;
    }
}
