package com.careledger.settlement;

import static com.careledger.payment.OnlinePayments.SUPER_ADMIN;
import static com.careledger.settlement.SettlementFixtures.Rules;
import static com.careledger.settlement.SettlementFixtures.clerk;
import static com.careledger.settlement.SettlementFixtures.collect;
import static com.careledger.settlement.SettlementFixtures.facility;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;

import com.careledger.test.AppSession;
import com.careledger.test.CommittedDatabase;
import com.careledger.test.CommittedDatabase.Outcome;
import org.junit.jupiter.api.Test;

/**
 * Settlements under real concurrency, on committed data ({@link CommittedDatabase}), each test with its own facility:
 * 32 threads approving, then 32 paying, one settlement — exactly one wins each time and one entry is posted; drafts
 * racing for the same collections never allocate beyond what a collection owes.
 */
class SettlementRaceTest {

    private static final int THREADS = 32;

    @Test
    void thirtyTwoApprovalsAndThirtyTwoPaymentsOfOneSettlementHaveOneWinnerEach() throws Exception {
        String tag = "settle-race-" + UUID.randomUUID().toString().substring(0, 8);
        UUID facility;
        UUID settlement;
        try (AppSession s = CommittedDatabase.openWithDefinerAccess()) {
            facility = facility(s, tag, Rules.DEFAULT);
            collect(s, facility, clerk(s, facility, tag), 300_000, 200_000);
            s.as(SUPER_ADMIN, null);
            settlement = UUID.fromString(s.string(
                    "select app.create_settlement(?, 'cash_commission', app.ist_today(), app.ist_today())::text", facility));
            s.execute("select app.submit_settlement(?)", settlement);
            s.commit();
        }

        List<Outcome<String>> approvals = CommittedDatabase.race(THREADS, THREADS, (s, n) -> {
            s.as(SUPER_ADMIN, null);
            s.execute("select app.approve_settlement(?)", settlement);
            s.commit();
            return "approved";
        });
        assertThat(approvals).filteredOn(Outcome::succeeded).hasSize(1);
        assertThat(approvals).filteredOn(o -> !o.succeeded()).extracting(Outcome::sqlState)
                .hasSize(THREADS - 1).containsOnly("55000");

        List<Outcome<String>> payments = CommittedDatabase.race(THREADS, THREADS, (s, n) -> {
            s.as(SUPER_ADMIN, null);
            String entry = s.string("select app.pay_settlement(?, ?)::text", settlement, "UTRRACE" + n);
            s.commit();
            return entry;
        });
        assertThat(payments).filteredOn(Outcome::succeeded).hasSize(1);
        assertThat(payments).filteredOn(o -> !o.succeeded()).extracting(Outcome::sqlState).containsOnly("55000");

        try (AppSession s = CommittedDatabase.open()) {
            s.as(SUPER_ADMIN, facility);
            assertThat(s.count("select count(*) from journal_entries where facility_id = ? and event_kind = 'settlement_paid'",
                    facility)).isEqualTo(1);
            assertThat(s.string("select concat_ws(' ', settlement_status, platform_share_paise) from settlements where id = ?",
                    settlement)).isEqualTo("paid 11800");
            assertThat(s.string("select app.account_balance(?, 'facility_receivable')", facility)).isEqualTo("0");
            assertThat(s.strings("select settlement_status::text from cash_collections where facility_id = ?", facility))
                    .containsOnly("settled");
        }
    }

    @Test
    void draftsRacingForTheSameCollectionsNeverTakeMoreThanTheyOwe() throws Exception {
        String tag = "alloc-race-" + UUID.randomUUID().toString().substring(0, 8);
        UUID facility;
        List<UUID> collections;
        try (AppSession s = CommittedDatabase.openWithDefinerAccess()) {
            facility = facility(s, tag, Rules.DEFAULT);
            collections = collect(s, facility, clerk(s, facility, tag), 300_000, 200_000, 150_000, 75_000);
            s.commit();
        }

        // half the threads fill a draft with whatever is open, half allocate each collection in full by hand
        List<Outcome<String>> outcomes = CommittedDatabase.race(16, 16, (s, n) -> {
            s.as(SUPER_ADMIN, null);
            boolean fill = n % 2 == 0;
            String draft = s.string("select app.create_settlement(?, 'cash_commission', app.ist_today(), app.ist_today(), ?)::text",
                    facility, fill);
            if (!fill) {
                for (UUID collection : collections) {
                    s.string("select app.allocate_to_settlement(?::uuid, 'cash_collection', ?)::text", draft, collection);
                }
            }
            s.commit();
            return draft;
        });

        try (AppSession s = CommittedDatabase.open()) {
            s.as(SUPER_ADMIN, facility);
            // every collection is taken exactly once in full, whoever won it, and its own total agrees
            assertThat(s.table("""
                    select c.id::text, c.commission_paise + c.commission_gst_paise, c.allocated_paise,
                           (select coalesce(sum(a.amount_paise), 0) from settlement_allocations a
                            join settlements t on t.id = a.settlement_id and t.facility_id = a.facility_id
                            where a.facility_id = c.facility_id and a.item_id = c.id and t.settlement_status <> 'cancelled')
                    from cash_collections c where c.facility_id = ? order by c.collected_at, c.id""", facility))
                    .hasSize(collections.size())
                    .allSatisfy(row -> assertThat(row.subList(1, 4)).containsOnly(row.get(1)));
            assertThat(outcomes).filteredOn(o -> !o.succeeded()).extracting(Outcome::sqlState)
                    .as("a hand allocation that finds the collection taken is refused").containsOnly("23514");
            assertThat(outcomes).filteredOn(Outcome::succeeded).isNotEmpty();
        }
    }
}
