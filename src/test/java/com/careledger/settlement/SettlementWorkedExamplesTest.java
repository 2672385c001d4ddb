package com.careledger.settlement;

import static com.careledger.payment.OnlinePayments.SUPER_ADMIN;
import static com.careledger.settlement.SettlementFixtures.cardPayment;
import static com.careledger.settlement.SettlementFixtures.clerk;
import static com.careledger.settlement.SettlementFixtures.collect;
import static com.careledger.settlement.SettlementFixtures.facility;
import static com.careledger.settlement.SettlementFixtures.gatewaySettle;
import static com.careledger.settlement.SettlementFixtures.journalLines;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import com.careledger.settlement.SettlementFixtures.Rules;
import com.careledger.test.AppSession;
import org.junit.jupiter.api.Test;

/**
 * The two settlement examples of docs/ledger.md (worked examples 5 and 6, posting 4), entry by entry, with the totals
 * kept on the settlement, the items' running totals and the facility's balances afterwards. Each test rolls back.
 */
class SettlementWorkedExamplesTest {

    @Test
    void mixedSettlementOfTheOnlineAndPercentageExamples() throws Exception {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            UUID facility = facility(s, "mixed", Rules.DEFAULT);
            UUID clerk = clerk(s, facility, "mixed");
            UUID payment = cardPayment(s, facility, 1_000_000);
            List<UUID> collections = collect(s, facility, clerk, 300_000, 200_000);
            gatewaySettle(s, facility, payment);
            LocalDate today = s.istToday();

            UUID settlement = UUID.fromString(s.string("select app.create_settlement(?, 'mixed', ?, ?)::text",
                    facility, today, today));
            // X = n 9 858.40; Y = 118.00 of which commission 100.00; gross 10 000 + 5 000
            assertThat(s.string("""
                    select concat_ws(' ', settlement_status, hospital_share_paise, platform_share_paise, net_amount_paise,
                                     direction, total_commission_amount_paise, total_collections_amount_paise,
                                     tds_deducted_paise, allocations_count)
                    from settlements where id = ?""", settlement))
                    .isEqualTo("draft 985840 11800 974040 platform_to_facility 10000 1500000 0 3");
            assertThat(s.strings("select item_kind || ' ' || amount_paise || ' ' || commission_paise"
                    + " from settlement_allocations where settlement_id = ? order by item_kind, amount_paise desc", settlement))
                    .containsExactly("payment 985840 0", "cash_collection 7080 6000", "cash_collection 4720 4000");

            s.execute("select app.submit_settlement(?)", settlement);
            s.execute("select app.approve_settlement(?)", settlement);
            UUID entry = UUID.fromString(s.string("select app.pay_settlement(?, 'UTRMIXED0001')::text", settlement));

            assertThat(journalLines(s, settlement)).containsExactly(
                    "D facility_payable 985840", "C facility_receivable 11800", "C platform_bank 974040");
            assertThat(s.string("select concat_ws(' ', event_kind, idempotency_key) from journal_entries where id = ?", entry))
                    .isEqualTo("settlement_paid settlement_paid:" + settlement);
            assertThat(s.string("select concat_ws(' ', settlement_status, bank_reference, paid_by, paid_at is not null,"
                    + " journal_entry_id) from settlements where id = ?", settlement))
                    .isEqualTo("paid UTRMIXED0001 " + SUPER_ADMIN + " t " + entry);
            // every item settled in full; the collections' status follows
            assertThat(s.string("select concat_ws(' ', allocated_paise, settled_paise) from payments where id = ?", payment))
                    .isEqualTo("985840 985840");
            assertThat(s.strings("select settlement_status || ' ' || settled_paise from cash_collections"
                    + " where id = any (?::uuid[]) order by settled_paise desc", SettlementFixtures.array(collections)))
                    .containsExactly("settled 7080", "settled 4720");
            // the platform owes the facility nothing and is owed nothing
            assertThat(s.string("select app.account_balance(?, 'facility_payable')", facility)).isEqualTo("0");
            assertThat(s.string("select app.account_balance(?, 'facility_receivable')", facility)).isEqualTo("0");
            // the gateway paid 9 870.20 (posting 2), the platform paid out 9 740.40: 129.80 stays, 10.00 + 100.00 + GST
            assertThat(s.string("select app.account_balance(?, 'platform_bank')", facility)).isEqualTo("12980");
            assertThat(s.string("select app.account_balance(?, 'gateway_clearing')", facility)).isEqualTo("0");
            // nothing is open between them any more (the owner's third question)
            assertThat(s.string("select concat_ws(' ', open_net_paise, last_settlement_paid_at is not null)"
                    + " from app.pending_since_last_settlement(?)", facility)).isEqualTo("0 t");
            assertThat(s.string("select sum(balance_paise) from app.trial_balance(?)", facility)).isEqualTo("0");
            s.execute("set constraints all immediate");
        }
    }

    @Test
    void cashCommissionSettlementWithTwoPercentTds() throws Exception {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            UUID facility = facility(s, "tds", new Rules("0.02", "weekly", 0, true));
            UUID clerk = clerk(s, facility, "tds");
            List<UUID> collections = collect(s, facility, clerk, 300_000, 200_000);
            // an online payment is not for a cash_commission settlement, even when the gateway settled it
            UUID payment = cardPayment(s, facility, 1_000_000);
            gatewaySettle(s, facility, payment);
            LocalDate today = s.istToday();

            UUID settlement = UUID.fromString(s.string("select app.create_settlement(?, 'cash_commission', ?, ?)::text",
                    facility, today, today));
            // t = 2 % of the 100.00 commission = 2.00
            assertThat(s.string("""
                    select concat_ws(' ', hospital_share_paise, platform_share_paise, net_amount_paise, direction,
                                     total_commission_amount_paise, tds_rate, tds_deducted_paise, allocations_count)
                    from settlements where id = ?""", settlement))
                    .isEqualTo("0 11800 11800 facility_to_platform 10000 0.0200 200 2");
            s.execute("select app.submit_settlement(?)", settlement);
            s.execute("select app.approve_settlement(?)", settlement);
            s.execute("select app.pay_settlement(?, 'UTRCASH00001')", settlement);

            assertThat(journalLines(s, settlement)).containsExactly(
                    "D platform_bank 11600", "D tds_receivable 200", "C facility_receivable 11800");
            assertThat(s.strings("select settlement_status::text from cash_collections where id = any (?::uuid[])",
                    (Object) SettlementFixtures.array(collections))).containsOnly("settled");
            assertThat(s.string("select concat_ws(' ', allocated_paise, settled_paise) from payments where id = ?", payment))
                    .isEqualTo("0 0");
            assertThat(s.string("select app.account_balance(?, 'facility_receivable')", facility)).isEqualTo("0");
            assertThat(s.string("select app.account_balance(?, 'tds_receivable')", facility)).isEqualTo("200");
            assertThat(s.string("select app.account_balance(?, 'facility_payable')", facility)).isEqualTo("985840");
            assertThat(s.string("select sum(balance_paise) from app.trial_balance(?)", facility)).isEqualTo("0");
            s.execute("set constraints all immediate");
        }
    }
}
