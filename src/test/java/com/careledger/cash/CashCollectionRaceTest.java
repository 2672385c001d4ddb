package com.careledger.cash;

import static com.careledger.cash.CashCounter.PERCENTAGE;
import static com.careledger.cash.CashCounter.clerk;
import static com.careledger.cash.CashCounter.collect;
import static com.careledger.cash.CashCounter.openShift;
import static com.careledger.payment.OnlinePayments.PAYMENT_WEBHOOK;
import static com.careledger.payment.OnlinePayments.SUPER_ADMIN;
import static com.careledger.payment.OnlinePayments.capture;
import static com.careledger.payment.OnlinePayments.issuedBills;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.stream.IntStream;

import com.careledger.test.AppSession;
import com.careledger.test.CommittedDatabase;
import com.careledger.test.CommittedDatabase.Outcome;
import org.junit.jupiter.api.Test;

/**
 * Races at the counter with real threads and real connections, on committed data ({@link CommittedDatabase}): two
 * clerks collecting on one bill at once, and receipt numbers handed out concurrently. Each test has its own facility.
 */
class CashCollectionRaceTest {

    private static final int ROUNDS = 20;

    @Test
    void twoClerksCollectingOnOneBillAtOnceNeverTakeMoreThanIsOutstanding() throws Exception {
        String tag = "race-" + UUID.randomUUID().toString().substring(0, 8);
        UUID facility;
        UUID[] clerks = new UUID[2];
        List<UUID> bills = new ArrayList<>();
        long total = 100_000;
        try (AppSession s = CommittedDatabase.openWithDefinerAccess()) {
            facility = CashCounter.facility(s, tag, PERCENTAGE);
            bills.addAll(issuedBills(s, facility, ROUNDS, total));
            for (int c = 0; c < 2; c++) {
                clerks[c] = clerk(s, facility, tag + "-" + c, "billing");
                s.as(clerks[c], facility);
                openShift(s, 0);
            }
            s.commit();
        }
        // each round, both clerks at once: amounts that fit together, or that do not
        Random random = new Random(ROUNDS);
        long[][] amounts = new long[ROUNDS][2];
        for (long[] round : amounts) {
            round[0] = 1 + random.nextInt((int) total);
            round[1] = 1 + random.nextInt((int) total);
        }
        CyclicBarrier together = new CyclicBarrier(2);

        List<Outcome<UUID>> outcomes = CommittedDatabase.race(2, 2 * ROUNDS, (s, n) -> {
            int round = n / 2;
            int clerk = n % 2;
            together.await();
            s.as(clerks[clerk], facility);
            UUID collection = collect(s, bills.get(round), amounts[round][clerk], "race-" + round + "-" + clerk);
            s.commit();
            return collection;
        });

        try (AppSession s = CommittedDatabase.open()) {
            s.as(SUPER_ADMIN, facility);
            for (int r = 0; r < ROUNDS; r++) {
                long a = amounts[r][0];
                long b = amounts[r][1];
                List<Outcome<UUID>> round = outcomes.subList(2 * r, 2 * r + 2);
                long won = round.stream().filter(Outcome::succeeded).count();
                assertThat(won).as("round %d: %d and %d of %d", r, a, b, total).isEqualTo(a + b <= total ? 2 : 1);
                // the loser is told it asked for more than is outstanding; no deadlock, no other error
                assertThat(round).allMatch(o -> o.succeeded() || "23514".equals(o.sqlState()));
                long collected = s.count("select coalesce(sum(amount_collected_paise), 0) from cash_collections where bill_id = ?",
                        bills.get(r));
                long paid = s.count("select paid_paise from bills where id = ?", bills.get(r));
                assertThat(paid).isEqualTo(collected).isLessThanOrEqualTo(total);
                assertThat(collected).isEqualTo(round.stream().filter(Outcome::succeeded)
                        .mapToLong(o -> amounts[r2(o)][o.taskNo() % 2]).sum());
            }
            assertThat(s.count("select count(*) from receipts where facility_id = ?", facility))
                    .isEqualTo(outcomes.stream().filter(Outcome::succeeded).count());
            assertThat(s.string("select sum(balance_paise) from app.trial_balance(?)", facility)).isEqualTo("0");
        }
    }

    private static int r2(Outcome<?> o) {
        return o.taskNo() / 2;
    }

    @Test
    void receiptsHandedOutConcurrentlyAreNumberedOneToNWithoutGapOrDuplicate() throws Exception {
        String tag = "receipts-" + UUID.randomUUID().toString().substring(0, 8);
        int tasks = 60;
        int billCount = 16;
        UUID facility;
        UUID[] clerks = new UUID[2];
        List<UUID> bills = new ArrayList<>();
        try (AppSession s = CommittedDatabase.openWithDefinerAccess()) {
            facility = CashCounter.facility(s, tag, PERCENTAGE);
            bills.addAll(issuedBills(s, facility, billCount, 10_000));
            for (int c = 0; c < 2; c++) {
                clerks[c] = clerk(s, facility, tag + "-" + c, "billing");
                s.as(clerks[c], facility);
                openShift(s, 0);
            }
            s.commit();
        }
        // online captures and cash collections (of ₹10 on 16 bills) of one facility share one series; every seventh
        // is rolled back after it took its number
        List<Outcome<String>> outcomes = CommittedDatabase.race(16, tasks, (s, n) -> {
            UUID bill = bills.get(n % billCount);
            String id;
            if (n % 3 == 2) {
                s.as(PAYMENT_WEBHOOK, facility);
                id = capture(s, bill, "pay_" + tag + "_" + n, "upi", 1_000).toString();
            } else {
                s.as(clerks[n % 3], facility);
                id = collect(s, bill, 1_000, "receipt-" + n).toString();
            }
            if (n % 7 == 6) {
                s.connection().rollback();
                return null;
            }
            s.commit();
            return id;
        });
        assertThat(outcomes).allMatch(Outcome::succeeded);
        List<String> recorded = outcomes.stream().map(Outcome::value).filter(v -> v != null).toList();

        try (AppSession s = CommittedDatabase.open()) {
            s.as(SUPER_ADMIN, facility);
            String prefix = s.string("select invoice_prefix from facilities where id = ?", facility);
            String year = s.string("select to_char(financial_year % 100, 'FM00') || to_char((financial_year + 1) % 100, 'FM00') "
                    + "from receipts where facility_id = ? limit 1", facility);
            int n = recorded.size();
            assertThat(s.strings("select serial from receipts where facility_id = ? order by serial", facility))
                    .containsExactlyElementsOf(IntStream.rangeClosed(1, n).mapToObj(String::valueOf).toList());
            assertThat(s.strings("select receipt_number from receipts where facility_id = ? order by serial", facility))
                    .containsExactlyElementsOf(IntStream.rangeClosed(1, n)
                            .mapToObj(i -> prefix + "/R" + year + "/" + String.format("%06d", i)).toList());
            assertThat(s.strings("select coalesce(payment_id, cash_collection_id)::text from receipts where facility_id = ?",
                    facility)).containsExactlyInAnyOrderElementsOf(recorded);
            assertThat(s.string("select last_number from document_counters where facility_id = ? and document_kind = 'receipt'",
                    facility)).isEqualTo(String.valueOf(n));
        }
    }
}
