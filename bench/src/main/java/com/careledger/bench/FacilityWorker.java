package com.careledger.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.List;

import com.careledger.bench.BillWriter.IssuedBill;

/**
 * One facility of the function path, on a worker's connection: sets it up once (as the definer role, like the
 * demo data), then simulates its days from where the last run stopped, one transaction per day that also records
 * the day in {@code bench.facility_progress}. A day is the plan's visits (appointments, bills, online payments,
 * cash), then every seventh day the gateway batches, and at the end of each settlement cycle a settlement; the
 * writers of each kind of row do the rest.
 */
final class FacilityWorker {

    private final Connection c;
    private final WorkerSql sql;
    private final GeneratorRun run;
    private final GeneratedFacility f;
    private final GenerationProgress progress;
    private final FacilityWriter facilities;
    private final PatientWriter patients;
    private final AppointmentWriter appointments;
    private final BillWriter bills;
    private final OnlinePaymentWriter payments;
    private final CashWriter cash;
    private final GatewayBatchWriter gatewayBatches;
    private final SettlementWriter settlements;
    private boolean unsettledPayments = true;
    private boolean unsettledItems = true;

    /** Facility {@code no} (0-based), planned as facility {@code plan}. */
    FacilityWorker(Connection c, GeneratorRun run, int no, int plan, GenerationProgress progress, SkippedSteps skipped) {
        this.c = c;
        this.sql = new WorkerSql(c, skipped);
        this.run = run;
        this.f = GeneratedFacility.of(run.seed(), no, plan);
        this.progress = progress;
        this.facilities = new FacilityWriter(sql, f);
        this.patients = new PatientWriter(sql, run, f);
        this.appointments = new AppointmentWriter(sql, f);
        this.bills = new BillWriter(sql, f);
        this.payments = new OnlinePaymentWriter(sql, run, f);
        this.cash = new CashWriter(sql, run, f);
        this.gatewayBatches = new GatewayBatchWriter(sql, run, f);
        this.settlements = new SettlementWriter(sql, run, f, skipped);
    }

    /** Sets the facility up when {@code from} is negative, then simulates its days from {@code from}. */
    void run(int from) throws SQLException {
        try {
            if (from < 0) {
                setUp();
                c.commit();
                from = 0;
            }
            for (int d = from; d < run.size().days(); d++) {
                if (day(d)) {
                    long t = System.nanoTime();
                    c.commit();
                    StatementProfile.time("commit", t);
                }
                progress.dayDone();
            }
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw new IllegalStateException("facility " + f.no() + " (" + f.id() + "): " + e.getMessage(), e);
        }
    }

    /** The rows that are not money, written as the definer role like the demo data. */
    private void setUp() throws SQLException {
        sql.role("careledger_definer");
        facilities.write();
        patients.write();
        sql.role(DataGenerator.APP_ROLE);
        recordProgress(-1);
    }

    /** One simulated day; returns whether it wrote anything (and so needs a commit). */
    private boolean day(int d) throws SQLException {
        LocalDate date = run.firstDay().plusDays(d);
        List<Plan.Visit> visits = Plan.day(run.size(), run.seed(), f.plan(), d, date.getDayOfWeek().getValue());
        boolean paymentBoundary = (d + 1) % 7 == 0 && unsettledPayments;
        boolean settlementBoundary = run.settlements() && (d + 1) % f.cycleDays() == 0 && unsettledItems;
        if (visits.isEmpty() && !paymentBoundary && !settlementBoundary) {
            return false;
        }
        if (!visits.isEmpty()) {
            simulateVisits(d, date, visits);
            unsettledPayments = true;
            unsettledItems = true;
        }
        if (paymentBoundary) {
            gatewayBatches.write(d, date);
            unsettledPayments = false;
        }
        if (settlementBoundary) {
            settlements.write(d, date);
            unsettledItems = false;
        }
        recordProgress(d);
        return true;
    }

    private void simulateVisits(int d, LocalDate date, List<Plan.Visit> visits) throws SQLException {
        ZonedDateTime opening = date.atTime(LocalTime.of(9, 0)).atZone(DataGenerator.IST);
        appointments.write(d, opening, visits);
        List<IssuedBill> issued = bills.write(d, date, opening, visits);
        if (issued.isEmpty()) {
            return;
        }
        payments.write(d, issued);
        cash.write(d, issued);
    }

    private void recordProgress(int d) throws SQLException {
        sql.exec("""
                insert into bench.facility_progress (facility_no, facility_id, last_day) values (?, ?, ?)
                on conflict (facility_no) do update set last_day = excluded.last_day, updated_at = now()""",
                f.no(), f.id(), d);
    }
}
