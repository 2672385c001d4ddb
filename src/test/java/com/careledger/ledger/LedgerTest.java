package com.careledger.ledger;

import static com.careledger.test.TestDatabase.AROGYA;
import static com.careledger.test.TestDatabase.AROGYA_ADMIN;
import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_ADMIN;
import static com.careledger.test.TestDatabase.SANJEEVANI_BILLING;
import static com.careledger.test.TestDatabase.SUPER_ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import com.careledger.payment.OnlinePayments;
import com.careledger.test.AppSession;
import com.careledger.test.TestDatabase;
import org.junit.jupiter.api.Test;

/**
 * The ledger (journal_entries, journal_lines): the accounts of docs/ledger.md; entries balanced at commit, immutable
 * for everyone, posted only by definer functions; balances under row-level security; corrections as reversing entries.
 */
class LedgerTest {

    private static final UUID ANIL_ISSUED_BILL = UUID.fromString("b1110000-0000-4000-8000-000000000101");

    @Test
    void theAccountsAreThoseOfMoneyMdWithTheirNormalSides() throws Exception {
        try (AppSession s = AppSession.open().as(SANJEEVANI_BILLING, SANJEEVANI)) {
            assertThat(s.strings("select account || ' ' || kind || ' ' || normal_side from ledger_accounts order by account"))
                    .containsExactly(
                            "gateway_clearing asset debit", "platform_bank asset debit", "facility_payable liability credit",
                            "facility_receivable asset debit", "tds_receivable asset debit",
                            "platform_fee_income income credit", "cash_commission_income income credit",
                            "fee_recovery_income income credit", "gateway_fee_expense expense debit",
                            "gst_output liability credit", "gst_input asset debit");
        }
    }

    @Test
    void anUnbalancedEntryCannotCommit() throws Exception {
        try (Connection c = definer()) {
            UUID entry = entry(c, "test:unbalanced");
            exec(c, "insert into journal_lines (facility_id, entry_id, line_no, account, debit_paise) values ('"
                    + SANJEEVANI + "', '" + entry + "', 1, 'platform_bank', 100)");
            exec(c, "insert into journal_lines (facility_id, entry_id, line_no, account, credit_paise) values ('"
                    + SANJEEVANI + "', '" + entry + "', 2, 'facility_payable', 99)");
            assertThatThrownBy(c::commit).hasMessageContaining("is unbalanced: 2 lines, debit 100 paise, credit 99 paise");
        }
        try (Connection c = definer()) {
            entry(c, "test:empty");
            assertThatThrownBy(c::commit).hasMessageContaining("is unbalanced: 0 lines");
        }
        try (Connection c = definer()) {
            UUID entry = entry(c, "test:both-sides");
            assertThatThrownBy(() -> exec(c, "insert into journal_lines (facility_id, entry_id, line_no, account, debit_paise, "
                    + "credit_paise) values ('" + SANJEEVANI + "', '" + entry + "', 1, 'platform_bank', 100, 100)"))
                    .hasMessageContaining("journal_lines_one_side");
            c.rollback();
        }
        try (AppSession s = AppSession.open().as(SUPER_ADMIN, null)) {
            assertThat(s.rows("journal_entries where idempotency_key like 'test:%'")).isZero();
        }
    }

    @Test
    void postedRowsCannotBeUpdatedOrDeletedByAnyoneTheAppRunsAs() throws Exception {
        // the definer role (what posting functions run as) may insert and read, nothing else; and even a role that
        // may change rows (here a superuser) is refused by the triggers
        for (boolean superuser : new boolean[] {false, true}) {
            try (Connection c = superuser ? superuser() : definer()) {
                UUID entry = entry(c, "test:immutable");
                exec(c, "insert into journal_lines (facility_id, entry_id, line_no, account, debit_paise) values ('"
                        + SANJEEVANI + "', '" + entry + "', 1, 'platform_bank', 100)");
                exec(c, "insert into journal_lines (facility_id, entry_id, line_no, account, credit_paise) values ('"
                        + SANJEEVANI + "', '" + entry + "', 2, 'facility_payable', 100)");
                exec(c, "set constraints all immediate"); // balanced: the check passes, nothing is left pending
                for (String sql : new String[] {
                        "update journal_lines set debit_paise = 200 where entry_id = '" + entry + "'",
                        "delete from journal_lines where entry_id = '" + entry + "'",
                        "update journal_entries set memo = 'changed' where id = '" + entry + "'",
                        "delete from journal_entries where id = '" + entry + "'",
                        "truncate journal_lines"}) {
                    exec(c, "savepoint s");
                    assertThatThrownBy(() -> exec(c, sql)).as(sql)
                            .hasMessageContaining(superuser ? "they are history" : "permission denied");
                    exec(c, "rollback to savepoint s");
                }
                c.rollback();
            }
        }
        try (AppSession s = AppSession.open().as(SANJEEVANI_BILLING, SANJEEVANI)) {
            OnlinePayments.capture(s, ANIL_ISSUED_BILL, "pay_immutable", "upi", 100);
            for (UUID user : new UUID[] {SANJEEVANI_ADMIN, SUPER_ADMIN}) {
                s.as(user, SANJEEVANI);
                assertThat(s.failure("update journal_lines set debit_paise = debit_paise + 1")).hasMessageContaining("permission denied");
                assertThat(s.failure("delete from journal_lines")).hasMessageContaining("permission denied");
                assertThat(s.failure("update journal_entries set memo = 'x'")).hasMessageContaining("permission denied");
                assertThat(s.failure("delete from journal_entries")).hasMessageContaining("permission denied");
                assertThat(s.failure("truncate journal_lines")).hasMessageContaining("permission denied");
                assertThat(s.failure("""
                        insert into journal_entries (facility_id, event_kind, idempotency_key, posted_by)
                        values (?, 'online_capture', 'forged', ?)""", SANJEEVANI, user)).hasMessageContaining("permission denied");
                assertThat(s.failure("select app.post_journal_entry(?, 'online_capture', 'forged', '[]'::jsonb)", SANJEEVANI))
                        .hasMessageContaining("permission denied");
            }
        }
    }

    @Test
    void balancesFollowRowLevelSecurityAndTheTrialBalanceIsZero() throws Exception {
        try (AppSession s = AppSession.open().as(SANJEEVANI_BILLING, SANJEEVANI)) {
            OnlinePayments.capture(s, ANIL_ISSUED_BILL, "pay_balance", "card", 10000);
            String payable = s.string("select net_settlement_paise::text from payments where gateway_payment_id = 'pay_balance'");
            // billing staff see no ledger
            assertThat(s.string("select app.account_balance(?, 'facility_payable')", SANJEEVANI)).isEqualTo("0");

            s.as(SANJEEVANI_ADMIN, SANJEEVANI);
            assertThat(s.string("select app.account_balance(?, 'facility_payable')", SANJEEVANI)).isEqualTo(payable);
            assertThat(s.string("select sum(balance_paise) from app.trial_balance(?)", SANJEEVANI)).isEqualTo("0");
            assertThat(s.string("select sum(debit_paise) from app.trial_balance(null)")).isEqualTo("10000");

            s.as(AROGYA_ADMIN, AROGYA);
            assertThat(s.string("select app.account_balance(?, 'facility_payable')", SANJEEVANI)).isEqualTo("0");
            assertThat(s.rows("journal_lines")).isZero();

            s.as(SUPER_ADMIN, null);
            assertThat(s.string("select app.account_balance(null, 'facility_payable')")).isEqualTo(payable);
            assertThat(s.string("select sum(balance_paise) from app.trial_balance(null)")).isEqualTo("0");
        }
    }

    @Test
    void aCorrectionIsAReversingEntryPostedOnceBySuperAdmin() throws Exception {
        try (AppSession s = AppSession.open().as(SANJEEVANI_BILLING, SANJEEVANI)) {
            OnlinePayments.capture(s, ANIL_ISSUED_BILL, "pay_wrong", "card", 10000);
            s.as(SANJEEVANI_ADMIN, SANJEEVANI);
            UUID wrong = UUID.fromString(s.string("select id::text from journal_entries where idempotency_key = 'capture:razorpay:pay_wrong'"));
            assertThat(s.failure("select app.reverse_journal_entry(?, 'wrong amount')", wrong)).hasMessageContaining("only the super admin");

            s.as(SUPER_ADMIN, SANJEEVANI);
            UUID correction = UUID.fromString(s.string("select app.reverse_journal_entry(?, 'wrong amount')::text", wrong));
            assertThat(s.string("select concat_ws(' ', event_kind, reverses_entry_id, posted_by) from journal_entries where id = ?", correction))
                    .isEqualTo("correction " + wrong + " " + SUPER_ADMIN);
            assertThat(s.strings("select distinct app.account_balance(?, account) from ledger_accounts", SANJEEVANI)).containsExactly("0");
            assertThat(s.failure("select app.reverse_journal_entry(?, 'again')", wrong)).hasMessageContaining("was already corrected");
            assertThat(s.failure("select app.reverse_journal_entry(?, 'undo')", correction)).hasMessageContaining("is not reversed");
            s.execute("set constraints all immediate");
        }
    }

    /** The definer role in an open transaction (what definer functions run as): for what the app role may not do. */
    private static Connection definer() throws SQLException {
        Connection c = TestDatabase.connectAsOwner();
        c.setAutoCommit(false);
        exec(c, "set local role careledger_definer");
        return c;
    }

    private static Connection superuser() throws SQLException {
        Connection c = TestDatabase.connectAsSuperuser();
        c.setAutoCommit(false);
        return c;
    }

    private static UUID entry(Connection c, String key) throws SQLException {
        UUID id = UUID.randomUUID();
        exec(c, "insert into journal_entries (id, facility_id, event_kind, idempotency_key, posted_by) values ('" + id + "', '"
                + SANJEEVANI + "', 'online_capture', '" + key + "', '" + SUPER_ADMIN + "')");
        return id;
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
