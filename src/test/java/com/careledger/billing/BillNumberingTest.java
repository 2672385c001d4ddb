package com.careledger.billing;

import static com.careledger.billing.Bills.PRECISION_ADMIN;
import static com.careledger.billing.Bills.PRECISION_CBC;
import static com.careledger.test.TestDatabase.ANIL_AT_SANJEEVANI;
import static com.careledger.test.TestDatabase.AROGYA;
import static com.careledger.test.TestDatabase.AROGYA_ADMIN;
import static com.careledger.test.TestDatabase.AROGYA_CONSULTATION;
import static com.careledger.test.TestDatabase.PRECISION_LAB;
import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_BILLING;
import static com.careledger.test.TestDatabase.SANJEEVANI_CBC;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import com.careledger.test.AppSession;
import com.careledger.test.TestDatabase;
import com.careledger.test.TestSessions;
import org.junit.jupiter.api.Test;

/**
 * Gap-free tax invoice numbers per facility and financial year (app.issue_bill over document_counters): consecutive,
 * given back when the issuing transaction rolls back, unique under real concurrency (threads, connections of the app
 * role with a signed context), and counted per financial year of the IST date of issue. The concurrency tests commit
 * (at Precision Diagnostics Lab and Arogya, where nothing else issues bills); the others roll back.
 */
class BillNumberingTest {

    private static final String SERIES = "(select coalesce(max(last_number), 0) from document_counters "
            + "where facility_id = ? and document_kind = 'tax_invoice' and financial_year = app.financial_year(now()))";

    @Test
    void consecutiveIssuesTakeConsecutiveNumbers() throws SQLException {
        try (AppSession app = AppSession.open().as(SANJEEVANI_BILLING, SANJEEVANI)) {
            long last = app.count("select " + SERIES, SANJEEVANI);
            String year = app.string("select to_char(app.financial_year(now()) % 100, 'FM00') || '-' "
                    + "|| to_char((app.financial_year(now()) + 1) % 100, 'FM00')");
            List<String> numbers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                numbers.add(Bills.issue(app, draft(app)));
            }
            assertThat(numbers).containsExactly(
                    "SMH/%s/%06d".formatted(year, last + 1), "SMH/%s/%06d".formatted(year, last + 2),
                    "SMH/%s/%06d".formatted(year, last + 3));
            assertThat(app.count("select " + SERIES, SANJEEVANI)).isEqualTo(last + 3);
        }
    }

    @Test
    void aRefusedIssueTakesNoNumber() throws SQLException {
        try (AppSession app = AppSession.open().as(SANJEEVANI_BILLING, SANJEEVANI)) {
            long last = app.count("select " + SERIES, SANJEEVANI);
            UUID empty = Bills.create(app, SANJEEVANI, ANIL_AT_SANJEEVANI);
            assertThat(app.failure("select app.issue_bill(?)", empty)).hasMessageContaining("a bill without lines cannot be issued");
            String number = Bills.issue(app, draft(app));
            assertThat(number).endsWith("/%06d".formatted(last + 1));
        }
    }

    @Test
    void anIssueRolledBackToASavepointGivesItsNumberBack() throws SQLException {
        try (AppSession app = AppSession.open().as(SANJEEVANI_BILLING, SANJEEVANI)) {
            UUID first = draft(app);
            UUID second = draft(app);
            Savepoint savepoint = app.connection().setSavepoint();
            String undone = Bills.issue(app, first);
            app.connection().rollback(savepoint);
            assertThat(app.string("select status from bills where id = ?", first)).isEqualTo("draft");
            assertThat(Bills.issue(app, second)).isEqualTo(undone);
        }
    }

    /**
     * Two clerks issue at the same moment: B queues on the counter row that A's issue locked; A's transaction rolls
     * back, and B gets the very number A had: a sequence would have burnt it.
     */
    @Test
    void aRolledBackIssuingTransactionLeavesNoGap() throws Exception {
        try (Connection a = signedIn(SANJEEVANI_BILLING, SANJEEVANI); Connection b = signedIn(SANJEEVANI_BILLING, SANJEEVANI);
             Connection observer = TestDatabase.connectAsSuperuser();
             ExecutorService executor = Executors.newSingleThreadExecutor()) {
            UUID billA = draft(a);
            UUID billB = draft(b);
            String numberA = query(a, "select app.issue_bill(?)", billA);
            int pidB = Integer.parseInt(query(b, "select pg_backend_pid()::text"));

            Future<String> numberB = executor.submit(() -> query(b, "select app.issue_bill(?)", billB));
            // B is waiting for A's row lock on the counter (polled, not slept on)
            while (!"Lock".equals(query(observer, "select wait_event_type from pg_stat_activity where pid = ?", pidB))) {
                assertThat(numberB.isDone()).as("B must wait for A, not finish first").isFalse();
                Thread.onSpinWait();
            }
            a.rollback();

            assertThat(numberB.get()).isEqualTo(numberA);
            b.rollback();
        }
    }

    /** 16 threads, 16 connections, 16 bills of one facility, started together: numbers 1..16, no gap, no duplicate. */
    @Test
    void sixteenConcurrentIssuersOfOneFacilityGetNumbersOneToSixteen() throws Exception {
        int threads = 16;
        List<UUID> bills = new ArrayList<>();
        String year;
        try (Connection setup = signedIn(PRECISION_ADMIN, PRECISION_LAB)) {
            assertThat(query(setup, "select " + SERIES, PRECISION_LAB)).as("no invoice at Precision yet").isEqualTo("0");
            year = query(setup, "select to_char(app.financial_year(now()) % 100, 'FM00') || '-' "
                    + "|| to_char((app.financial_year(now()) + 1) % 100, 'FM00')");
            UUID patient = UUID.fromString(query(setup, """
                    insert into patients (facility_id, registration_number, full_name)
                    values (?, 'PDL-' || upper(substr(md5(random()::text), 1, 8)), 'Concurrent Test Patient') returning id::text""",
                    PRECISION_LAB));
            for (int i = 0; i < threads; i++) {
                UUID bill = UUID.fromString(query(setup, "select app.create_bill(?, ?)::text", PRECISION_LAB, patient));
                query(setup, "select app.add_bill_service(?, ?, 1)::text", bill, PRECISION_CBC);
                bills.add(bill);
            }
            setup.commit();
        }

        CyclicBarrier start = new CyclicBarrier(threads);
        List<Callable<String>> issuers = bills.stream().<Callable<String>>map(bill -> () -> {
            try (Connection c = signedIn(PRECISION_ADMIN, PRECISION_LAB)) {
                start.await(1, TimeUnit.MINUTES); // a stalled start fails the test instead of hanging the build
                String number = query(c, "select app.issue_bill(?)", bill);
                c.commit();
                return number;
            }
        }).toList();
        List<String> numbers = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        try (ExecutorService executor = Executors.newFixedThreadPool(threads)) {
            for (Future<String> f : executor.invokeAll(issuers, 2, TimeUnit.MINUTES)) {
                try {
                    numbers.add(f.get());
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException e) {
                    // every issuer's own failure, not only the first (a stalled start breaks the barrier for all)
                    Throwable cause = e.getCause() == null ? e : e.getCause();
                    failures.add(cause.getClass().getSimpleName() + ": " + cause.getMessage());
                }
            }
        }
        assertThat(failures).as("issuers that failed").isEmpty();

        assertThat(numbers).containsExactlyInAnyOrderElementsOf(
                IntStream.rangeClosed(1, threads).mapToObj(n -> "PDL/%s/%06d".formatted(year, n)).toList());
        try (AppSession app = AppSession.open().as(PRECISION_ADMIN, PRECISION_LAB)) {
            assertThat(app.strings("""
                    select bill_serial from bills
                    where facility_id = ? and financial_year = app.financial_year(now()) and bill_number is not null
                    order by bill_serial""", PRECISION_LAB))
                    .containsExactlyElementsOf(IntStream.rangeClosed(1, threads).mapToObj(String::valueOf).toList());
            // every bill got the number it was written with
            assertThat(app.count("select count(*) from bills where facility_id = ? and status = 'issued' "
                    + "and bill_number = app.format_document_number('PDL', financial_year, bill_serial)", PRECISION_LAB))
                    .isEqualTo(threads);
        }
    }

    /** Two clerks issue the same draft at once: one number is given, the other clerk is told it is issued. */
    @Test
    void twoIssuersOfTheSameBillGetOneNumber() throws Exception {
        UUID bill;
        try (Connection setup = signedIn(AROGYA_ADMIN, AROGYA)) {
            UUID patient = UUID.fromString(query(setup, """
                    insert into patients (facility_id, registration_number, full_name)
                    values (?, 'AFC-' || upper(substr(md5(random()::text), 1, 8)), 'Race Test Patient') returning id::text""",
                    AROGYA));
            bill = UUID.fromString(query(setup, "select app.create_bill(?, ?)::text", AROGYA, patient));
            query(setup, "select app.add_bill_service(?, ?, 1)::text", bill, AROGYA_CONSULTATION);
            setup.commit();
        }
        CyclicBarrier start = new CyclicBarrier(2);
        Callable<String> issuer = () -> {
            try (Connection c = signedIn(AROGYA_ADMIN, AROGYA)) {
                start.await(1, TimeUnit.MINUTES); // a stalled start fails the test instead of hanging the build
                try {
                    String number = query(c, "select app.issue_bill(?)", bill);
                    c.commit();
                    return number;
                } catch (SQLException e) {
                    c.rollback();
                    return "refused: " + e.getMessage();
                }
            }
        };
        List<String> outcomes = new ArrayList<>();
        try (ExecutorService executor = Executors.newFixedThreadPool(2)) {
            for (Future<String> f : executor.invokeAll(List.of(issuer, issuer), 2, TimeUnit.MINUTES)) {
                outcomes.add(f.get());
            }
        }
        assertThat(outcomes).filteredOn(o -> o.startsWith("AFC/")).hasSize(1);
        assertThat(outcomes).filteredOn(o -> o.startsWith("refused: ")).singleElement().asString().contains("is already issued");
    }

    /** 31 March 23:59:59 IST is still 2026-27; 1 April 00:00 IST (18:30 UTC the day before) starts 2027-28. */
    @Test
    void theFinancialYearTurnsAtMidnightIstOnTheFirstOfApril() throws SQLException {
        try (AppSession app = AppSession.open()) {
            app.execute("set local time zone 'America/Los_Angeles'");  // the session's zone does not matter
            assertThat(app.strings("""
                    select app.financial_year(t)::text || ' ' || app.financial_year_label(app.financial_year(t))
                    from unnest(array['2027-03-31 23:59:59.999999+05:30', '2027-03-31 18:29:59.999999+00',
                                      '2027-04-01 00:00:00+05:30', '2027-03-31 18:30:00+00',
                                      '2026-04-01 00:00:00+05:30', '2027-01-15 12:00:00+05:30']::timestamptz[]) t"""))
                    .containsExactly("2026 2026-27", "2026 2026-27", "2027 2027-28", "2027 2027-28", "2026 2026-27",
                            "2026 2026-27");
        }
    }

    /**
     * Issued across the boundary (the definer's app.issue_bill_at sets the moment; the app cannot): the last bill of
     * 2040-41 and the first of 2041-42, each series from 1.
     */
    @Test
    void issuesAcrossTheFinancialYearBoundaryNumberInTheirOwnYears() throws SQLException {
        try (Connection definer = TestDatabase.connectAsDefiner()) {
            definer.setAutoCommit(false);
            try {
                query(definer, "select app.set_current_user(?, ?), app.set_current_tenant(?)", SANJEEVANI_BILLING,
                        TestSessions.proof(definer.getCatalog(), SANJEEVANI_BILLING), SANJEEVANI);
                assertThat(issueAt(definer, draft(definer), "2041-03-31 23:59:00+05:30")).isEqualTo("SMH/40-41/000001 2041-03-31 2040");
                assertThat(issueAt(definer, draft(definer), "2041-03-31 18:29:59+00")).isEqualTo("SMH/40-41/000002 2041-03-31 2040");
                assertThat(issueAt(definer, draft(definer), "2041-04-01 00:00:00+05:30")).isEqualTo("SMH/41-42/000001 2041-04-01 2041");
                assertThat(issueAt(definer, draft(definer), "2041-03-31 18:30:01+00")).isEqualTo("SMH/41-42/000002 2041-04-01 2041");
            } finally {
                definer.rollback();
            }
        }
        try (AppSession app = AppSession.open().as(SANJEEVANI_BILLING, SANJEEVANI)) {
            assertThat(app.sqlFailure("select app.issue_bill_at(?, now())", Bills.ANIL_DRAFT_BILL).getSQLState()).isEqualTo("42501");
        }
    }

    @Test
    void numbersFitGstsSixteenCharacters() throws SQLException {
        try (AppSession app = AppSession.open()) {
            assertThat(app.string("select app.format_document_number('SMH', 2026::smallint, 123)")).isEqualTo("SMH/26-27/000123");
            assertThat(app.string("select app.format_document_number('SMH', 2099::smallint, 999999)")).isEqualTo("SMH/99-00/999999")
                    .hasSize(16);
            assertThat(app.sqlFailure("select app.format_document_number('SMH', 2026::smallint, 1000000)").getSQLState())
                    .isEqualTo("22003");
            assertThat(app.strings("select app.default_invoice_prefix(n) from unnest(array['Sanjeevani Multispeciality Hospital', "
                    + "'Shree Medical Store', 'Dr. Mehta''s Eye & ENT Clinic, Kothrud', 'x']) n"))
                    .containsExactly("SMH", "SMS", "DME", "X");
        }
    }

    private static String issueAt(Connection c, UUID bill, String at) throws SQLException {
        query(c, "select app.issue_bill_at(?, ?::timestamptz)", bill, at);
        return query(c, "select concat_ws(' ', bill_number, issued_on, financial_year) from bills where id = ?", bill);
    }

    /** A draft at Sanjeevani with one CBC line, through the connection's context. */
    private static UUID draft(AppSession app) throws SQLException {
        UUID bill = Bills.create(app, SANJEEVANI, ANIL_AT_SANJEEVANI);
        Bills.addService(app, bill, SANJEEVANI_CBC, 1);
        return bill;
    }

    private static UUID draft(Connection c) throws SQLException {
        UUID bill = UUID.fromString(query(c, "select app.create_bill(?, ?)::text", SANJEEVANI, ANIL_AT_SANJEEVANI));
        query(c, "select app.add_bill_service(?, ?, 1)::text", bill, SANJEEVANI_CBC);
        return bill;
    }

    /** A connection of the app role in an open transaction with a signed context, as the portal's requests have. */
    private static Connection signedIn(UUID user, UUID facility) throws SQLException {
        Connection c = TestDatabase.connectAsApp();
        c.setAutoCommit(false);
        query(c, "select app.set_current_user(?, ?), app.set_current_tenant(?)", user, TestSessions.proof(c.getCatalog(), user), facility);
        return c;
    }

    private static String query(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
