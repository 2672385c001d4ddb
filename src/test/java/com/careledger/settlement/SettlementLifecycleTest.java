package com.careledger.settlement;

import static com.careledger.payment.OnlinePayments.SUPER_ADMIN;
import static com.careledger.settlement.SettlementFixtures.admin;
import static com.careledger.settlement.SettlementFixtures.cardPayment;
import static com.careledger.settlement.SettlementFixtures.clerk;
import static com.careledger.settlement.SettlementFixtures.collect;
import static com.careledger.settlement.SettlementFixtures.facility;
import static com.careledger.settlement.SettlementFixtures.gatewaySettle;
import static com.careledger.settlement.SettlementFixtures.status;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import com.careledger.settlement.SettlementFixtures.Rules;
import com.careledger.test.AppSession;
import org.junit.jupiter.api.Test;

/**
 * The settlement lifecycle (R__0010_settlements.sql): who may move it, what each step records, what is refused with
 * which error and that a refusal writes nothing; partial allocations and the collection's settlement status; cancelling
 * releases; the minimum payout; drafts due by the cycle. Each test rolls back.
 */
class SettlementLifecycleTest {

    private static final String INSUFFICIENT_PRIVILEGE = "42501";
    private static final String NOT_IN_PREREQUISITE_STATE = "55000";
    private static final String CHECK_VIOLATION = "23514";

    private static void refused(SQLException e, String message, String sqlState) {
        assertThat(e.getMessage()).contains(message);
        assertThat(e.getSQLState()).isEqualTo(sqlState);
    }

    private static UUID draft(AppSession s, UUID facility, String type) throws Exception {
        LocalDate today = s.istToday();
        return UUID.fromString(s.string("select app.create_settlement(?, ?::settlement_type, ?, ?)::text",
                facility, type, today, today));
    }

    @Test
    void theFacilityAdminSeesItOnceSubmittedAcknowledgesItOnceAndOnlyTheSuperAdminApprovesAndPays() throws Exception {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            UUID facility = facility(s, "life", Rules.DEFAULT);
            UUID admin = admin(s, facility);
            UUID clerk = clerk(s, facility, "life");
            collect(s, facility, clerk, 300_000);
            UUID settlement = draft(s, facility, "cash_commission");

            // a draft is the platform's working paper
            s.as(admin, facility);
            assertThat(s.rows("settlements where id = ?", settlement)).isZero();
            assertThat(s.rows("settlement_allocations where settlement_id = ?", settlement)).isZero();
            s.as(SUPER_ADMIN, facility);
            s.execute("select app.submit_settlement(?)", settlement);
            assertThat(s.string("select concat_ws(' ', settlement_status, submitted_by) from settlements where id = ?",
                    settlement)).isEqualTo("pending " + SUPER_ADMIN);

            // staff and patients see none; the facility admin sees it now, with its allocations, and acknowledges it once
            s.as(clerk, facility);
            assertThat(s.rows("settlements where id = ?", settlement)).isZero();
            s.as(admin, facility);
            assertThat(s.rows("settlements where id = ?", settlement)).isEqualTo(1);
            assertThat(s.rows("settlement_allocations where settlement_id = ?", settlement)).isEqualTo(1);
            s.execute("select app.acknowledge_settlement(?)", settlement);
            assertThat(s.sqlFailure("select app.acknowledge_settlement(?)", settlement).getSQLState())
                    .isEqualTo(NOT_IN_PREREQUISITE_STATE);
            assertThat(s.string("select concat_ws(' ', settlement_status, acknowledged_by, acknowledged_at is not null)"
                    + " from settlements where id = ?", settlement)).isEqualTo("pending " + admin + " t");

            // a facility admin or staff approving or paying: refused, nothing written
            for (UUID who : List.of(admin, clerk)) {
                s.as(who, facility);
                refused(s.sqlFailure("select app.approve_settlement(?)", settlement), "only the super admin", INSUFFICIENT_PRIVILEGE);
                assertThat(s.sqlFailure("select app.pay_settlement(?, 'UTRLIFE00001')", settlement).getSQLState())
                        .isEqualTo(INSUFFICIENT_PRIVILEGE);
                assertThat(s.sqlFailure("select app.cancel_settlement(?, 'not mine')", settlement).getSQLState())
                        .isEqualTo(INSUFFICIENT_PRIVILEGE);
            }
            // the super admin does not acknowledge for the facility
            s.as(SUPER_ADMIN, facility);
            assertThat(s.sqlFailure("select app.acknowledge_settlement(?)", settlement).getSQLState())
                    .isEqualTo(INSUFFICIENT_PRIVILEGE);
            assertThat(s.string("select concat_ws(' ', settlement_status, approved_at is null, paid_at is null)"
                    + " from settlements where id = ?", settlement)).isEqualTo("pending t t");
            assertThat(s.rows("journal_entries where facility_id = ? and event_kind = 'settlement_paid'", facility)).isZero();

            // paying what is not approved, approving twice, paying twice
            refused(s.sqlFailure("select app.pay_settlement(?, 'UTRLIFE00001')", settlement), "only an approved settlement is paid", NOT_IN_PREREQUISITE_STATE);
            s.execute("select app.approve_settlement(?)", settlement);
            refused(s.sqlFailure("select app.approve_settlement(?)", settlement), "already approved", NOT_IN_PREREQUISITE_STATE);
            assertThat(s.string("select concat_ws(' ', settlement_status, approved_by) from settlements where id = ?",
                    settlement)).isEqualTo("approved " + SUPER_ADMIN);
            assertThat(s.sqlFailure("select app.pay_settlement(?, 'no utr!')", settlement).getSQLState())
                    .isEqualTo(CHECK_VIOLATION);
            s.execute("select app.pay_settlement(?, 'UTRLIFE00001')", settlement);
            refused(s.sqlFailure("select app.pay_settlement(?, 'UTRLIFE00002')", settlement), "already paid", NOT_IN_PREREQUISITE_STATE);
            assertThat(s.sqlFailure("select app.cancel_settlement(?, 'too late')", settlement).getSQLState())
                    .isEqualTo(NOT_IN_PREREQUISITE_STATE);
            assertThat(s.rows("journal_entries where facility_id = ? and event_kind = 'settlement_paid'", facility))
                    .isEqualTo(1);
            assertThat(status(s, settlement)).isEqualTo("paid");
            // the app role writes no settlement itself
            assertThat(s.failure("update settlements set settlement_status = 'draft' where id = ?", settlement))
                    .hasMessageContaining("permission denied");
            s.execute("set constraints all immediate");
        }
    }

    @Test
    void onlyGatewaySettledPaymentsEnterAndEachTypeTakesItsOwnSide() throws Exception {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            UUID facility = facility(s, "sides", Rules.DEFAULT);
            UUID clerk = clerk(s, facility, "sides");
            UUID settled = cardPayment(s, facility, 1_000_000);
            UUID unsettled = cardPayment(s, facility, 500_000);
            gatewaySettle(s, facility, settled);
            UUID collection = collect(s, facility, clerk, 300_000).getFirst();

            // filling skips the payment the gateway has not settled yet
            UUID online = draft(s, facility, "online_pg");
            assertThat(s.strings("select item_id::text from settlement_allocations where settlement_id = ?", online))
                    .containsExactly(settled.toString());
            refused(s.sqlFailure("select app.allocate_to_settlement(?, 'payment', ?)", online, unsettled), "not settled by the gateway", NOT_IN_PREREQUISITE_STATE);
            refused(s.sqlFailure("select app.allocate_to_settlement(?, 'cash_collection', ?)", online, collection), "online_pg settlement takes only payable-side items", CHECK_VIOLATION);
            assertThat(s.string("select allocated_paise from payments where id = ?", unsettled)).isEqualTo("0");

            UUID cash = draft(s, facility, "cash_commission");
            assertThat(s.sqlFailure("select app.allocate_to_settlement(?, 'payment', ?)", cash, settled).getSQLState())
                    .isEqualTo(CHECK_VIOLATION);
            assertThat(s.string("select concat_ws(' ', hospital_share_paise, platform_share_paise, allocations_count)"
                    + " from settlements where id = ?", cash)).isEqualTo("0 7080 1");
            s.execute("set constraints all immediate");
        }
    }

    @Test
    void aMixedSettlementNeedsNettingAllowedByTheFacilitysRules() throws Exception {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            UUID facility = facility(s, "nonet", new Rules("0", "weekly", 0, false));
            LocalDate today = s.istToday();
            refused(s.sqlFailure("select app.create_settlement(?, 'mixed', ?, ?)", facility, today, today), "do not allow netting", CHECK_VIOLATION);
            assertThat(s.rows("settlements where facility_id = ?", facility)).isZero();
            // the separate types are fine
            draft(s, facility, "online_pg");
            draft(s, facility, "cash_commission");
            assertThat(s.rows("settlements where facility_id = ?", facility)).isEqualTo(2);
        }
    }

    @Test
    void partialAllocationsNeverExceedTheOpenAmountAndTheCollectionStatusFollowsWhatIsPaid() throws Exception {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            UUID facility = facility(s, "partial", new Rules("0.02", "weekly", 0, true));
            UUID clerk = clerk(s, facility, "partial");
            UUID collection = collect(s, facility, clerk, 300_000).getFirst(); // 60.00 + 10.80 = 70.80 open

            UUID first = UUID.fromString(s.string("select app.create_settlement(?, 'cash_commission', ?, ?, false)::text",
                    facility, s.istToday(), s.istToday()));
            refused(s.sqlFailure("select app.allocate_to_settlement(?, 'cash_collection', ?, 7081)", first, collection), "more than the 7080 paise open", CHECK_VIOLATION);
            assertThat(s.sqlFailure("select app.allocate_to_settlement(?, 'cash_collection', ?, 0)", first, collection)
                    .getSQLState()).isEqualTo(CHECK_VIOLATION);
            s.execute("select app.allocate_to_settlement(?, 'cash_collection', ?, 5000)", first, collection);
            // commission part round(5000 × 6000 / 7080) = 4237; TDS round(4237 × 2 %) = 85
            assertThat(s.string("select concat_ws(' ', platform_share_paise, total_commission_amount_paise, tds_deducted_paise)"
                    + " from settlements where id = ?", first)).isEqualTo("5000 4237 85");

            // a second settlement sees only what is still open
            UUID second = UUID.fromString(s.string("select app.create_settlement(?, 'cash_commission', ?, ?)::text",
                    facility, s.istToday(), s.istToday()));
            assertThat(s.string("select concat_ws(' ', platform_share_paise, allocations_count) from settlements where id = ?",
                    second)).isEqualTo("2080 1");
            assertThat(s.sqlFailure("select app.allocate_to_settlement(?, 'cash_collection', ?, 1)", first, collection)
                    .getSQLState()).isEqualTo("23505");
            assertThat(s.string("select concat_ws(' ', allocated_paise, settled_paise, settlement_status)"
                    + " from cash_collections where id = ?", collection)).isEqualTo("7080 0 pending");

            for (UUID settlement : List.of(first, second)) {
                s.execute("select app.submit_settlement(?)", settlement);
                s.execute("select app.approve_settlement(?)", settlement);
            }
            s.execute("select app.pay_settlement(?, 'UTRPART00001')", first);
            assertThat(s.string("select concat_ws(' ', settled_paise, settlement_status) from cash_collections where id = ?",
                    collection)).isEqualTo("5000 partially_settled");
            assertThat(s.string("select app.account_balance(?, 'facility_receivable')", facility)).isEqualTo("2080");
            s.execute("select app.pay_settlement(?, 'UTRPART00002')", second);
            assertThat(s.string("select concat_ws(' ', settled_paise, settlement_status) from cash_collections where id = ?",
                    collection)).isEqualTo("7080 settled");
            assertThat(s.string("select app.account_balance(?, 'facility_receivable')", facility)).isEqualTo("0");
            assertThat(s.string("select sum(balance_paise) from app.trial_balance(?)", facility)).isEqualTo("0");
            s.execute("set constraints all immediate");
        }
    }

    @Test
    void releasingAndCancellingPutTheItemsBackOpen() throws Exception {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            UUID facility = facility(s, "cancel", Rules.DEFAULT);
            UUID clerk = clerk(s, facility, "cancel");
            List<UUID> collections = collect(s, facility, clerk, 300_000, 200_000);
            UUID payment = cardPayment(s, facility, 1_000_000);
            gatewaySettle(s, facility, payment);

            UUID settlement = draft(s, facility, "mixed");
            UUID allocation = UUID.fromString(s.string("select id::text from settlement_allocations"
                    + " where settlement_id = ? and item_id = ?", settlement, collections.getFirst()));
            s.execute("select app.release_settlement_allocation(?, ?)", settlement, allocation);
            assertThat(s.string("select allocated_paise from cash_collections where id = ?", collections.getFirst()))
                    .isEqualTo("0");
            assertThat(s.string("select concat_ws(' ', hospital_share_paise, platform_share_paise, net_amount_paise)"
                    + " from settlements where id = ?", settlement)).isEqualTo("985840 4720 981120");

            s.execute("select app.submit_settlement(?)", settlement);
            s.execute("select app.approve_settlement(?)", settlement);
            assertThat(s.sqlFailure("select app.release_settlement_allocation(?, ?)", settlement, allocation).getSQLState())
                    .isEqualTo(NOT_IN_PREREQUISITE_STATE);
            assertThat(s.sqlFailure("select app.cancel_settlement(?, '')", settlement).getSQLState())
                    .isEqualTo(CHECK_VIOLATION);
            s.execute("select app.cancel_settlement(?, 'wrong bank account on file')", settlement);
            assertThat(s.string("select concat_ws(' ', settlement_status, cancelled_by, cancel_reason) from settlements"
                    + " where id = ?", settlement)).isEqualTo("cancelled " + SUPER_ADMIN + " wrong bank account on file");
            assertThat(s.string("select allocated_paise from payments where id = ?", payment)).isEqualTo("0");
            assertThat(s.strings("select allocated_paise::text from cash_collections where id = any (?::uuid[])",
                    SettlementFixtures.array(collections))).containsOnly("0");
            assertThat(s.sqlFailure("select app.approve_settlement(?)", settlement).getSQLState())
                    .isEqualTo(NOT_IN_PREREQUISITE_STATE);
            assertThat(s.rows("journal_entries where facility_id = ? and event_kind = 'settlement_paid'", facility)).isZero();

            // the next settlement takes everything again
            UUID next = draft(s, facility, "mixed");
            assertThat(s.string("select concat_ws(' ', hospital_share_paise, platform_share_paise, allocations_count)"
                    + " from settlements where id = ?", next)).isEqualTo("985840 11800 3");
        }
    }

    @Test
    void belowTheMinimumPayoutNothingIsSubmittedAndTheItemsAreCarriedForward() throws Exception {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            UUID facility = facility(s, "minimum", new Rules("0", "weekly", 10_000, true));
            UUID clerk = clerk(s, facility, "minimum");
            UUID collection = collect(s, facility, clerk, 300_000).getFirst(); // owes 70.80 < 100.00

            UUID settlement = draft(s, facility, "mixed");
            refused(s.sqlFailure("select app.submit_settlement(?)", settlement), "below the facility's minimum payout of 10000 paise", CHECK_VIOLATION);
            assertThat(status(s, settlement)).isEqualTo("draft");
            s.execute("select app.cancel_settlement(?, 'below the minimum payout')", settlement);

            // the cycle's drafts leave it open: a week later, nothing is made
            LocalDate nextWeek = s.istToday().plusDays(7);
            assertThat(s.strings("select app.create_due_settlements(?)::text", nextWeek)).isEmpty();
            assertThat(s.string("select allocated_paise from cash_collections where id = ?", collection)).isEqualTo("0");

            // once more is owed, the next period's draft carries this collection forward
            collect(s, facility, clerk, 200_000);
            List<String> made = s.strings("select app.create_due_settlements(?)::text", nextWeek);
            assertThat(made).hasSize(1);
            assertThat(s.string("""
                    select concat_ws(' ', settlement_type, settlement_status, platform_share_paise, allocations_count,
                                     period_to - period_from, period_to < ?::date, created_by)
                    from settlements where id = ?::uuid""", nextWeek, made.getFirst()))
                    .isEqualTo("mixed draft 11800 2 6 t " + SUPER_ADMIN);
            // one draft per facility and period
            assertThat(s.strings("select app.create_due_settlements(?)::text", nextWeek)).isEmpty();
        }
    }

    @Test
    void dueSettlementPeriodsFollowTheCycle() throws Exception {
        try (AppSession s = AppSession.open()) {
            assertThat(s.string("select concat_ws(' ', period_from, period_to)"
                    + " from app.settlement_period_before('daily', date '2026-11-27')")).isEqualTo("2026-11-26 2026-11-26");
            // 2026-11-27 is a Friday: the week before is Monday 16 to Sunday 22
            assertThat(s.string("select concat_ws(' ', period_from, period_to)"
                    + " from app.settlement_period_before('weekly', date '2026-11-27')")).isEqualTo("2026-11-16 2026-11-22");
            assertThat(s.string("select concat_ws(' ', period_from, period_to)"
                    + " from app.settlement_period_before('fortnightly', date '2026-11-27')")).isEqualTo("2026-11-01 2026-11-15");
            assertThat(s.string("select concat_ws(' ', period_from, period_to)"
                    + " from app.settlement_period_before('fortnightly', date '2026-11-10')")).isEqualTo("2026-10-16 2026-10-31");
            assertThat(s.string("select concat_ws(' ', period_from, period_to)"
                    + " from app.settlement_period_before('monthly', date '2026-03-01')")).isEqualTo("2026-02-01 2026-02-28");
        }
    }
}
