package com.careledger.bench;

import static com.careledger.bench.BenchmarkRun.APP_ROLE;
import static com.careledger.bench.BenchmarkRun.context;
import static com.careledger.bench.BenchmarkRun.uuid;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What the posting benchmark and the collection profile collect: issued bills of one line at the posting facility,
 * made before the clock starts, by the benchmark's clerks, for a patient and a service of that facility.
 */
final class PostingBills {

    record Bill(UUID id, long totalPaise, UUID patient) {
    }

    private PostingBills() {
    }

    /** Benchmark clerk i + 1 of a facility: the same user every run. */
    static UUID clerk(UUID facility, int i) {
        return UUID.nameUUIDFromBytes(("bench-clerk-" + facility + "-" + i).getBytes());
    }

    /** A patient of the facility with a paid bill. */
    static UUID patient(Connection c, UUID facility) throws SQLException {
        return uuid(c, "select patient_id from bills where facility_id = ? and status = 'paid' order by id limit 1", facility);
    }

    /** The facility's cheapest active service with a price. */
    static UUID service(Connection c, UUID facility) throws SQLException {
        return uuid(c, """
                select s.id from services s where s.facility_id = ? and s.active and s.price_paise > 0
                order by s.price_paise, s.id limit 1""", facility);
    }

    /** Issued bills of one line for a clerk, made before the clock starts (as the clerk, committed). */
    static List<Bill> prepare(BenchmarkRun s, UUID clerk, UUID patient, UUID service, int n) throws SQLException {
        UUID postingFacility = s.postingFacility;
        List<Bill> out = new ArrayList<>();
        try (Connection c = s.as(APP_ROLE)) {
            context(c, clerk, postingFacility);
            List<UUID> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    insert into bills (facility_id, patient_id) select ?, ? from generate_series(1, ?) returning id""")) {
                ps.setObject(1, postingFacility, Types.OTHER);
                ps.setObject(2, patient, Types.OTHER);
                ps.setInt(3, n);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getObject(1, UUID.class));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    insert into bill_items (facility_id, bill_id, service_id, quantity)
                    select ?, b, ?, 1 from unnest(?::uuid[]) b""")) {
                ps.setObject(1, postingFacility, Types.OTHER);
                ps.setObject(2, service, Types.OTHER);
                ps.setArray(3, c.createArrayOf("uuid", ids.toArray()));
                ps.execute();
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    select b.id, b.total_paise, b.patient_id, app.issue_bill(b.id) from unnest(?::uuid[]) u(id)
                    join bills b on b.id = u.id""")) {
                ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Bill(rs.getObject(1, UUID.class), 0, rs.getObject(3, UUID.class)));
                    }
                }
            }
            c.commit();
            // totals after issue
            List<Bill> withTotals = new ArrayList<>();
            context(c, clerk, postingFacility);
            try (PreparedStatement ps = c.prepareStatement("select total_paise from bills where id = ?")) {
                for (Bill b : out) {
                    ps.setObject(1, b.id(), Types.OTHER);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        withTotals.add(new Bill(b.id(), rs.getLong(1), b.patient()));
                    }
                }
            }
            c.commit();
            return withTotals;
        }
    }
}
