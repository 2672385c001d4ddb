package com.careledger.bench;

import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.careledger.bench.Benchmarks.Explain;
import com.careledger.bench.Benchmarks.LatencyRow;
import com.careledger.bench.Benchmarks.PostingRow;
import com.careledger.bench.Benchmarks.ReaderRow;
import com.careledger.bench.Benchmarks.RefreshRow;
import com.careledger.bench.Benchmarks.Report;
import com.careledger.bench.Benchmarks.RlsRow;

/** docs/benchmarks.md from one run's {@link Report}. */
final class BenchmarkReport {

    static final double RLS_GOAL = 1.05;
    static final double POSTING_GOAL = 0.60;
    static final double LATENCY_GOAL_MS = 20;

    static final String EARLIER_POSTING = "cash_collections of the measured facility made by earlier posting benchmarks";

    private BenchmarkReport() {
    }

    static boolean rlsMet(Report r) {
        return r.rlsTotalRatio() <= RLS_GOAL;
    }

    static boolean postingMet(Report r) {
        return r.posting().stream().allMatch(p -> p.share() >= POSTING_GOAL);
    }

    static boolean latencyMet(Report r) {
        return r.latency().stream().allMatch(l -> l.p95() <= LATENCY_GOAL_MS);
    }

    static String markdown(Report r, String command) {
        StringBuilder s = new StringBuilder();
        s.append("# Benchmarks\n\n");
        s.append("Written by `").append(command).append("` (bench/README.md \"Benchmarks\") on ")
                .append(r.at().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"))).append(", in ")
                .append(String.format(Locale.ROOT, "%.0f s", r.elapsed().toMillis() / 1000.0))
                .append(". Every figure below comes from that one run, on the same data; each comparison was measured side by side,"
                        + " interleaved, after a warm-up. Rerun the command to replace this file (a section \""
                        + SessionReport.TITLE + "\", which `bench/sessions` writes, is kept).\n\n");

        if (r.size().startsWith("large")) {
            s.append("The same benchmarks at the medium size (70 facilities): [benchmarks.md](benchmarks.md).\n\n");
        } else if (r.size().startsWith("medium")) {
            s.append("The same benchmarks at the large size (1,000 facilities): [benchmarks-large.md](benchmarks-large.md).\n\n");
        }
        s.append("## Machine and data\n\n");
        s.append("| | |\n|---|---|\n");
        for (Map.Entry<String, String> e : r.machine().entrySet()) {
            s.append("| ").append(e.getKey()).append(" | ").append(e.getValue()).append(" |\n");
        }
        s.append("| size | ").append(r.size()).append(" |\n");
        s.append("| measured facility | ").append(r.facilityName()).append(" (").append(r.facilityType())
                .append("), the one with the most bills |\n\n");
        s.append("Rows in the database at the start:\n\n| table | rows |\n|---|---:|\n");
        for (Map.Entry<String, Long> e : r.rows().entrySet()) {
            s.append("| ").append(e.getKey()).append(" | ").append(String.format(Locale.ROOT, "%,d", e.getValue())).append(" |\n");
        }
        s.append("\nIterations: ").append(r.iterations()).append(".\n\n");
        s.append("""
                With `--facilities N` the generator makes fewer facilities than the size names, each exactly as at the
                full size: a facility's visits, bills and payments are planned from the seed, its number and the day
                alone, at the size's rates. So the single-facility figures (sections 1, 3 and 5 on the facility
                with the most bills, a hospital) are those of that facility at the full size; what grows with
                the number of facilities is the refresh of the materialized views (section 4), which reads every
                facility, and the tables' total size.

                With templates (`--templates T`, the default for medium and large) facility k is planned as facility
                ((k-1) mod T)+1, and facilities T+1 onwards are copied set-based from their template with their own ids,
                names and numbers: the rows the function path would write for them (`ClonedFacilitiesTest`,
                bench/README.md). Copies of one template tie for the most bills; the measured facility is one of them.

                """);
        long earlier = r.rows().getOrDefault(EARLIER_POSTING, 0L);
        if (earlier > 0) {
            s.append(String.format(Locale.ROOT, """
                    The measured facility also holds %,d bills and cash collections that earlier runs of the posting
                    benchmark made there (before it moved to the facility with the fewest bills); its bills above count
                    them.

                    """, earlier));
        }
        s.append("""
                The machine is shared with other work (see the load): absolute times move from run to run by a factor
                of two or more; the ratios, measured side by side and interleaved, move less.

                """);

        s.append("## Summary\n\n| measure | goal | measured | met |\n|---|---|---|---|\n");
        s.append(String.format(Locale.ROOT, "| RLS cost (sum of medians, app role ÷ BYPASSRLS role) | ≤ %.2f× | %.3f× | %s |\n",
                RLS_GOAL, r.rlsTotalRatio(), rlsMet(r) ? "yes" : "**no**"));
        for (PostingRow p : r.posting()) {
            s.append(String.format(Locale.ROOT, "| posting, %d clerk(s): app.collect_cash ÷ bare insert throughput | ≥ %.0f %% | %.1f %% | %s |\n",
                    p.clerks(), POSTING_GOAL * 100, p.share() * 100, p.share() >= POSTING_GOAL ? "yes" : "**no**"));
        }
        for (PostingRow p : r.posting()) {
            s.append(String.format(Locale.ROOT, "| posting, %d clerk(s): app.collect_cash ÷ the same %.0f row writes made directly | (none; see 2) | %.1f %% | |\n",
                    p.clerks(), p.writesPerCollection(), p.directShare() * 100));
        }
        for (LatencyRow l : r.latency()) {
            s.append(String.format(Locale.ROOT, "| p95 of %s | ≤ %.0f ms | %.2f ms | %s |\n", l.question(), LATENCY_GOAL_MS,
                    l.p95(), l.p95() <= LATENCY_GOAL_MS ? "yes" : "**no**"));
        }
        s.append("\n");

        // 1
        s.append("## 1. RLS cost\n\n");
        s.append("""
                Each query is the same SQL text on both sides, with the facility filter written out (`facility_id = $1`):
                the app role `careledger_app` with the signed request context of the facility's admin
                (`app.set_current_user`, `app.set_current_tenant`, set in the transaction before the clock starts), so
                every table's forced policy applies; and `careledger_bench_bypass`, a role the benchmark creates as the
                superuser with BYPASSRLS and select on the tables (dropped at the end). The owner's three questions are the
                bodies of `app.commission_pending`, `app.held_for_platform` and `app.pending_since_last_settlement`
                (R__0011_reporting.sql) for one facility, the summary the body of `reporting_facility_summary` for one facility,
                so both sides run like for like. Both sides must return the same rows (the run stops otherwise). Runs
                alternate A B, B A; medians in milliseconds, server-side prepared statements, one transaction per run.

                | query | app role under RLS (ms) | BYPASSRLS role (ms) | ratio |
                |---|---:|---:|---:|
                """);
        for (RlsRow q : r.rls()) {
            s.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %.3f× |\n", q.query(), q.appMs(), q.bypassMs(), q.ratio()));
        }
        s.append(String.format(Locale.ROOT, "| **all (sum of medians)** | %.3f | %.3f | **%.3f×** |\n\n",
                r.rls().stream().mapToDouble(RlsRow::appMs).sum(), r.rls().stream().mapToDouble(RlsRow::bypassMs).sum(),
                r.rlsTotalRatio()));
        s.append("""
                What one evaluation of the request context costs, as the app role with the same context (median of
                single-statement transactions; each is also part of every policy's init plan):

                | call | median (ms) |
                |---|---:|
                """);
        for (Benchmarks.HelperRow h : r.helpers()) {
            s.append(String.format(Locale.ROOT, "| `%s` | %.3f |\n", h.call(), h.ms()));
        }
        s.append("""

                The query with the largest ratio (commission pending) with `explain analyze`, second run of each side:

                ```
                """);
        for (String line : r.rlsPlans()) {
            s.append(line).append('\n');
        }
        s.append("```\n");
        s.append("\n").append(rlsMet(r) ? RLS_MET : RLS_MISSED).append("\n\n");

        // 2
        s.append("## 2. Posting cost\n\n");
        s.append("""
                A cash collection recorded through `app.collect_cash` as the portal records it: per collection one
                transaction with the clerk's signed context, the call (bill locked and checked, commission and its GST,
                the `cash_collections` row, the ledger entry through `app.post_journal_entry`, the receipt from its
                trigger, the audit rows), commit. Against it, a bare insert of the same row (the same columns and values,
                commission figured in the client) into `bench.bare_cash_collections`, made with
                `create table ... (like cash_collections including defaults)`: no triggers, policies, foreign keys or
                indexes, one autocommitted insert per row. Each clerk is a thread with its own connection and its own
                cashier shift (opened and closed outside the clock), its bills (one line, issued) prepared before the
                clock starts; the time is from the common start until the last clerk finishes. The clerks are
                `Benchmark clerk 1..16` at the facility with the fewest bills (not the measured one, which stays as
                generated), made once (users and staff rows, as the definer); their bills and collections stay in the
                database (shifts closed, ledger balanced). Median of the rounds.

                A like-for-like baseline beside it: after each round, the rows each collection wrote are read back
                (the collection, its journal entry and lines, its receipt, its audit rows, and, from the audit rows,
                the bill and the receipt counter before and after the change). The same clerks then write exactly
                those rows again, one transaction per collection, into copies in schema `bench` made with
                `create table bench.direct_T (like T including all excluding identity excluding generated)`:
                the same columns, defaults, check constraints and indexes, without triggers, policies or foreign
                keys. Rows are inserted from JSON (`jsonb_populate_recordset`); the bill and the counter are updated
                from the state before to the state after, by primary key. The copies start empty each round, so
                their indexes are small: the baseline is, if anything, faster than the same writes into the real
                tables would be.

                | clerks | rows per round | app.collect_cash (rows/s) | bare insert (rows/s) | collect_cash ÷ bare | row writes per collection | same writes direct (collections/s) | collect_cash ÷ direct |
                |---:|---:|---:|---:|---:|---:|---:|---:|
                """);
        for (PostingRow p : r.posting()) {
            s.append(String.format(Locale.ROOT, "| %d | %,d | %.1f | %.1f | %.1f %% | %.1f | %.1f | %.1f %% |\n", p.clerks(), p.rows(),
                    p.appRowsPerSecond(), p.bareRowsPerSecond(), p.share() * 100, p.writesPerCollection(),
                    p.directRowsPerSecond(), p.directShare() * 100));
        }
        s.append("""

                Where a collection's time goes: after the measurement, one clerk collects a few more bills with
                `track_functions = 'all'` (off during the measurement), and `pg_stat_user_functions` gives per
                function the calls and the self time (time in the function less the functions it called), per
                collection, the 15 largest:

                | function | calls per collection | self time per collection (ms) |
                |---|---:|---:|
                """);
        for (Benchmarks.ProfileRow p : r.profile()) {
            s.append(String.format(Locale.ROOT, "| `%s` | %.1f | %.2f |\n", p.function(), p.callsPerCollection(),
                    p.selfMsPerCollection()));
        }
        s.append("\n").append(postingMet(r) ? POSTING_MET : POSTING_MISSED).append("\n\n");

        // 3
        s.append("## 3. Latency of the three questions\n\n");
        s.append("""
                The functions as the portal calls them (`select * from app.commission_pending($1)` etc.), as the admin of
                the measured facility, for that facility; one transaction each: context set, the call, commit. The query
                columns time the call; the last column the whole request (context and call).

                | question | runs | p50 (ms) | p95 (ms) | p99 (ms) | request p95 (ms) |
                |---|---:|---:|---:|---:|---:|
                """);
        for (LatencyRow l : r.latency()) {
            s.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f | %.2f | %.2f |\n", l.question(), l.runs(), l.p50(),
                    l.p95(), l.p99(), l.requestP95()));
        }
        s.append("\n").append(latencyMet(r) ? LATENCY_MET : LATENCY_MISSED).append("\n\n");

        // 4
        s.append("## 4. Materialized views: refresh, and readers during a refresh\n\n");
        s.append("""
                `app.refresh_reporting_view(view)` as the report-refresh principal
                (00000000-0000-4000-8000-000000000002), one committed transaction each (REFRESH ... CONCURRENTLY, the
                count of rows, the refresh log row), after one refresh of each to fill them:

                | view | rows | median (ms) | slowest (ms) |
                |---|---:|---:|---:|
                """);
        for (RefreshRow v : r.refresh()) {
            s.append(String.format(Locale.ROOT, "| app.mv_%s | %,d | %.1f | %.1f |\n", v.view(), v.rows(), v.medianMs(), v.maxMs()));
        }
        s.append("""

                Readers: the facility's admin calls each `app.report_*` wrapper, first with nothing else running, then
                while another connection refreshes the views one after the other without pause (the reads are
                interleaved with the refreshes; none waits on a lock, since the refresh is concurrent):

                | reader | quiet p50 (ms) | quiet p95 (ms) | during refresh p50 (ms) | during refresh p95 (ms) | p50 ratio |
                |---|---:|---:|---:|---:|---:|
                """);
        for (ReaderRow x : r.readers()) {
            s.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.2f | %.2f× |\n", x.reader(), x.quietP50(),
                    x.quietP95(), x.duringP50(), x.duringP95(), x.duringP50() / x.quietP50()));
        }
        s.append("\n").append(REFRESH_NOTE).append("\n\n");

        // 5
        s.append("## 5. Partition pruning\n\n");
        s.append("""
                `explain (analyze, costs off, timing off, summary off)` as the app role (super admin's context, for the
                measured facility), one facility and one month, literal bounds (the planner prunes at plan time; with
                parameters it prunes at run time, as AppointmentPartitionPruningTest and SettlementPartitionPruningTest
                show). Scans counted are the plan's scan nodes: one means one partition read.

                """);
        for (Explain e : r.explains()) {
            s.append("### ").append(e.title()).append("\n\n");
            s.append(String.format(Locale.ROOT, "Scan nodes: %d.%n%n", e.partitionsScanned()));
            s.append("```\n").append(e.sql()).append("\n\n");
            List<String> plan = e.plan();
            for (int i = 0; i < Math.min(plan.size(), 25); i++) {
                s.append(plan.get(i)).append('\n');
            }
            if (plan.size() > 25) {
                s.append("... (").append(plan.size() - 25).append(" more lines)\n");
            }
            s.append("```\n\n");
        }
        return s.toString();
    }

    // What the figures mean, and for the goals missed why and what would fix it. Kept with the code that writes
    // the file, so a rerun keeps them; each is chosen by whether this run met the goal.

    static final String RLS_HISTORY = """
            How the ratio came down from 2.52× (the first run) and 1.65× (after each helper checked the signature once):

            - **Verified once per transaction.** `app.set_current_user` and `app.set_current_tenant`
              keep what they verified (role, facilities, a staff member's permissions) in a definer-owned row. The
              policies' helpers read that row with one statement instead of computing an HMAC and looking up the user
              on every call. The helper table above shows the cost per call, including a round trip.
            - **Enum equality marked leakproof (db/setup/database.sql).** Without the mark no condition on an enum
              column (`account`, `status`, `event_kind`) can be an index condition under a policy, so the index
              returned every row of the facility for a filter to discard.
            - **Patients under their own role.** The tables a patient may also read (bills, payments,
              cash_collections, refunds, receipts, appointments) had one select policy for staff and patients,
              `(facility_id = any(…) and permission) or patient_id = any(…)`. The patient branch named `patient_id`,
              which the covering and partial indexes do not hold, so every staff query visited the heap and filtered.
              Patients' requests now run as `careledger_patient`, and each branch is a policy of its own role.
            - **One context call per billing policy.** `app.facilities_permitting('{billing.manage,cash.collect}')`
              replaces three init plans (facilities and two permissions) with one.
            - **The lines since the last settlement as an index range.** `app.pending_since_last_settlement`
              picked them with `(paid_at is null or posted_at > paid_at)`, an OR, which is no index condition, so
              every line of the facility was read and filtered. Written as `posted_at > coalesce(paid_at, '-infinity')`
              it becomes one for the BYPASSRLS role but not for the app role: PostgreSQL 16 counts a COALESCE as
              possibly leaky, and under a policy only leakproof conditions may run before the policy's, inside the
              index scan. The bound is now computed beside the last settlement
              (`coalesce(max(posted_at), '-infinity') as since`) and the lines are compared with it plainly.""";

    static final String RLS_MET = """
            The goal is met. Each table a statement reads adds one init plan, a call that returns the facilities of
            the request context, and one `facility_id = any(...)` index condition, which the facility filter already
            made redundant. The plans are otherwise the BYPASSRLS role's (compare the two above).

            """ + RLS_HISTORY;

    static final String RLS_MISSED = """
            **The goal is missed.** The app role's plans are the BYPASSRLS role's plus the policy's condition (compare
            the two plans above). What remains is a cost per table read, and it weighs most on the quickest queries.

            - **One init plan per table read.** Each table's policy calls a definer function that returns the
              facilities of the request context (`app.visible_facilities()`, or `app.facilities_permitting(…)` for the
              billing tables). It reads the transaction's kept row by its key; the helper table above shows the call
              with a round trip. A query of about a millisecond pays it once per table: commission pending reads four
              tables in under a millisecond and has the largest ratio. The facility summary also reads several tables
              but runs for several milliseconds, and its ratio is smaller.
            - **Generic plans.** The queries run as server-side prepared statements, as the portal's do, so after five
              executions PostgreSQL may use a generic plan. For the app role a generic plan holds two arrays in one
              index condition: the policy's `facility_id = any($n)`, whose length the planner cannot know and takes as
              10, and a query's `in (…)` list on an enum column. The planner may then drop the list from the index
              condition and filter instead. `bench/run --plan-cache-mode force_custom_plan` (both sides) shows how much
              of the ratio this is. Computing the bound beside the settlement removed the largest case of a condition the app role's index scan could not
              use (see the last item below).

            What would close the gap:
            - fewer statements per screen: a dashboard that reads its figures through one definer function (as the
              `app.report_*` readers of the materialized views do) pays one context call, not one per table;
            - queries without `in (…)` lists on enum columns where a generic plan would filter (one indexed sum per
              account, as the owner's questions do), or planning each execution for the app's connections. The second
              also re-plans every statement inside PL/pgSQL functions such as `app.collect_cash`, so it needs its own
              measurement first;
            - PostgreSQL 17 or later, whose B-tree scans handle arrays in index conditions better.

            As posed, the goal holds only for queries that spend a few milliseconds or more per table read: the
            difference per query is a fraction of a millisecond (the table above), whatever the query's own time.

            """ + RLS_HISTORY;

    static final String POSTING_MET = """
            The goal is met at every concurrency.""";

    static final String POSTING_MISSED = """
            **The goal is missed, by far, and it cannot be met as posed.** `app.collect_cash` is a transaction of
            about ten row writes: the collection, the bill's paid amount, a journal entry and three lines, a receipt,
            the receipt counter and the audit rows. Each comes with its unique indexes, foreign keys and triggers. The
            bare insert is one heap row without an index. Sixty per cent of a bare single-row insert is out of reach by
            construction. The like-for-like baseline (the last three columns of the table) writes the same rows
            directly, with their indexes; what remains between it and `app.collect_cash` is the engine's own work:
            the checks and locks, the commission arithmetic, the triggers, the policies and the function calls.

            The profile shows where a collection's time goes. The request context is now verified once per
            transaction (before, the HMAC ran dozens of times per collection). Most of the time is the
            function's own statements with their index upkeep, the receipt and the audit rows.

            Every collection of one facility and financial year takes the same receipt counter row
            (`document_counters`), locked until commit, so the clerks of one facility queue on it. Now the
            receipt is numbered as the function's last step, so the lock lasts only until the commit. Before, it
            lasted from the collection's insert onwards, and nested `auto_explain` showed 16 clerks spending about
            160 ms of each collection waiting for it. What else limits 4 and 16 clerks is the machine's two cores:
            the clerks' functions share them, while the bare inserts barely use them.""";

    static final String LATENCY_MET = """
            The goal is met: each question is answered from covering indexes on the facility's rows, and the
            request context is verified once per transaction.""";

    static final String LATENCY_MISSED = """
            **The goal is missed.** The questions are SQL functions with invoker rights. Their helpers
            (`app.answered_facilities`, `app.facility_account_debit_balance`) have `set search_path`, so PostgreSQL 16
            does not inline them and plans them again on every call, and every table they read pays its policy's init
            plan (section 1). Dropping `set search_path` from those helpers (their names are schema-qualified) is the
            next fix.""";

    static final String REFRESH_NOTE = """
            There is no goal for these. The refresh is concurrent: it needs the unique index each view has, builds the
            new contents beside the old and applies the difference. Readers are never blocked; what they lose during a
            refresh is CPU, which on this 2-core machine the refresh shares with them. The refresh reads every
            facility's rows, so its time grows with the whole database, while a reader's stays with its facility.""";
}
