package com.careledger.core.security;

import static com.careledger.test.TestDatabase.AROGYA;
import static com.careledger.test.TestDatabase.AROGYA_ADMIN;
import static com.careledger.test.TestDatabase.DEMO_PASSWORD;
import static com.careledger.test.TestDatabase.PATIENT_ANIL;
import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_ADMIN;
import static com.careledger.test.TestDatabase.SANJEEVANI_BILLING;
import static com.careledger.test.TestDatabase.SUPER_ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.careledger.core.notification.NotificationSender;
import com.careledger.test.AppSession;
import com.careledger.test.TestDatabase;
import com.careledger.test.TestSessions;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The account flow, as the app's own roles: invitations, patient sign-up and forgotten passwords end in a
 * single-use, expiring link that only the notification sender ever holds in clear; the app roles read neither the
 * links, nor their digests, nor the outbox; a link sets its own user's password once, before it expires, and a reset
 * ends every session; known and unknown addresses answer alike. Every test runs in one rolled-back transaction
 * (definer access only to move the clock with the {@code _at} variants and to count rows no app role can read).
 */
class AccountLinksTest {

    private static final UUID SENDER = NotificationSender.SYSTEM_USER;
    private static final String PASSWORD = "monsoon tea on the verandah";
    private static final String CLERK_EMAIL = "billing@sanjeevani.test";

    private AppSession app;

    @BeforeEach
    void open() throws SQLException {
        app = AppSession.openWithDefinerAccess();
    }

    @AfterEach
    void close() throws SQLException {
        app.close();
    }

    @Test
    void theAppRolesReadNoLinkNoDigestAndNoOutboxAndCannotTakeMessages() throws SQLException {
        for (UUID user : new UUID[] {SUPER_ADMIN, PATIENT_ANIL}) {
            app.as(user, null);
            for (String table : List.of("app.account_links", "app.outbox")) {
                assertThat(app.sqlFailure("select * from " + table).getMessage()).as("%s %s", user, table)
                        .contains("permission denied");
                assertThat(app.sqlFailure("select count(*) from " + table).getMessage()).contains("permission denied");
            }
            assertThat(app.sqlFailure("select * from app.take_notifications(10)").getMessage())
                    .as("%s", user).contains("only the notification sender");
            assertThat(app.sqlFailure("select app.mark_notification_sent(?)", UUID.randomUUID()).getMessage())
                    .contains("only the notification sender");
        }
        app.as(null, null);
        assertThat(app.sqlFailure("select * from app.take_notifications(10)").getMessage())
                .contains("only the notification sender");
        // the clock variants and the helpers are the definer's alone
        for (String call : List.of("select * from app.take_notifications_at(10, now())",
                "select * from app.redeem_account_link_at('x', 'y', 'z', now())",
                "select * from app.request_password_reset_at('a@b.test', 'z', now())",
                "select * from app.sign_up_patient_at('a@b.test', 'A', 'z', now())",
                "select app.password_problem('x', 'y')",
                "select app.count_throttle_event('x', now(), 1, interval '1 minute', interval '1 minute')",
                "select app.count_account_request('a@b.test', 'z', now())")) {
            assertThat(app.sqlFailure(call).getMessage()).as(call).contains("permission denied");
        }
        try (Connection su = TestDatabase.connectAsSuperuser()) {
            assertThat(lines(su, """
                    select r.rolname || ' ' || c.oid::regclass || '.' || a.attname
                    from pg_class c join pg_attribute a on a.attrelid = c.oid and a.attnum > 0
                    cross join (values ('careledger_app'), ('careledger_patient')) r(rolname)
                    where c.oid in ('app.account_links'::regclass, 'app.outbox'::regclass)
                      and (has_column_privilege(r.rolname, c.oid, a.attnum, 'select')
                           or has_table_privilege(r.rolname, c.oid, 'select, insert, update, delete'))""")).isEmpty();
        }
    }

    @Test
    void anInvitationLinkSetsItsOwnUsersPasswordOnce() throws SQLException {
        String email = "new-nurse-" + UUID.randomUUID() + "@sanjeevani.test";
        app.as(SANJEEVANI_ADMIN, SANJEEVANI);
        UUID nurse = UUID.fromString(app.string("select app.invite_user(?, 'Nurse Kavita', 'staff', ?)::text", email, SANJEEVANI));
        assertThat(app.string("select status::text from users where id = ?", nurse)).isEqualTo("pending");
        assertThat(signIn(email, "anything at all, twelve+")).isEqualTo("bad_credentials");

        Message invitation = takeOne(email);
        assertThat(invitation.kind()).isEqualTo("invitation");
        assertThat(invitation.facility()).isEqualTo("Sanjeevani Multispeciality Hospital");
        assertThat(invitation.token()).matches("[0-9a-f]{64}");

        // a weak password is refused with its reason and leaves the link usable
        assertThat(redeem(invitation.token(), "short")).containsExactly("weak_password", "a password has at least 12 characters");
        assertThat(redeem(invitation.token(), email.toUpperCase())).containsExactly("weak_password", "a password is not your email address");
        assertThat(redeem(invitation.token(), "Password@1234")).first().isEqualTo("weak_password");
        assertThat(redeem(invitation.token(), "x".repeat(20))).first().isEqualTo("weak_password");
        assertThat(redeem(invitation.token(), PASSWORD)).containsExactly("password_set", null);
        // once
        assertThat(redeem(invitation.token(), PASSWORD + " again")).containsExactly("invalid_link", null);

        app.as(SANJEEVANI_ADMIN, SANJEEVANI);
        assertThat(app.string("select status::text from users where id = ?", nurse)).isEqualTo("active");
        assertThat(app.table("select outcome, user_id::text from app.sign_in(?, ?, ?)", email, PASSWORD, address()))
                .containsExactly(List.of("signed_in", nurse.toString()));
        // nobody else's password changed
        assertThat(signIn(CLERK_EMAIL, DEMO_PASSWORD)).isEqualTo("signed_in");
        assertThat(signIn(CLERK_EMAIL, PASSWORD)).isEqualTo("bad_credentials");
    }

    @Test
    void onlyWhoMayAddASignInInvitesIt() throws SQLException {
        String invite = "select app.invite_user(?, 'Someone', ?::user_role, ?)::text";
        app.as(SANJEEVANI_ADMIN, SANJEEVANI);
        assertThat(app.sqlFailure(invite, unique("admin"), "facility_admin", SANJEEVANI).getMessage())
                .contains("you may not add a facility_admin sign-in");
        assertThat(app.sqlFailure(invite, unique("staff"), "staff", AROGYA).getMessage()).contains("you may not add");
        assertThat(app.sqlFailure(invite, unique("patient"), "patient", SANJEEVANI).getMessage()).contains("you may not add");
        assertThat(app.sqlFailure(invite, CLERK_EMAIL.toUpperCase(), "staff", SANJEEVANI).getMessage())
                .contains("exists already");
        assertThat(app.sqlFailure(invite, "not an address", "staff", SANJEEVANI).getMessage()).contains("email address");
        assertThat(app.sqlFailure("select app.invite_user(?, ?, 'staff', ?)", unique("rlo"), "Kavita \u202Eatp", SANJEEVANI)
                .getMessage()).contains("plain text");
        UUID staff = UUID.fromString(app.string(invite, unique("staff"), "staff", SANJEEVANI));

        app.as(SANJEEVANI_BILLING, SANJEEVANI);
        assertThat(app.sqlFailure(invite, unique("staff"), "staff", SANJEEVANI).getMessage()).contains("you may not add");
        app.as(AROGYA_ADMIN, AROGYA);
        assertThat(app.sqlFailure("select app.resend_invitation(?)", staff).getMessage()).contains("may not invite");
        app.as(SUPER_ADMIN, null);
        assertThat(app.string(invite, unique("admin"), "facility_admin", AROGYA)).isNotBlank();
        assertThat(app.sqlFailure(invite, unique("root"), "super_admin", null).getMessage()).contains("you may not add");
        app.as(SANJEEVANI_ADMIN, SANJEEVANI);
        app.execute("select app.resend_invitation(?)", staff);
        assertThat(app.sqlFailure("select app.resend_invitation(?)", SANJEEVANI_BILLING).getMessage())
                .contains("has its password already");
        assertThat(outboxRows("user_id = '" + staff + "' and kind = 'invitation'")).isEqualTo(2);
    }

    @Test
    void aLinkDoesNotWorkAfterItExpires() throws SQLException {
        String email = unique("late");
        app.as(SANJEEVANI_ADMIN, SANJEEVANI);
        app.string("select app.invite_user(?, 'Late Comer', 'staff', ?)::text", email, SANJEEVANI);
        Message invitation = takeOne(email);
        // an invitation lasts 72 hours
        assertThat(redeemAt(invitation.token(), PASSWORD, "interval '72 hours 1 second'")).isEqualTo("invalid_link");
        assertThat(redeemAt(invitation.token(), PASSWORD, "interval '71 hours'")).isEqualTo("password_set");

        // a reset lasts 30 minutes
        assertThat(app.string("select outcome from app.request_password_reset(?, ?)", email, address())).isEqualTo("accepted");
        Message reset = takeOne(email);
        assertThat(reset.kind()).isEqualTo("password_reset");
        assertThat(redeemAt(reset.token(), PASSWORD + "!", "interval '31 minutes'")).isEqualTo("invalid_link");
        assertThat(redeemAt(reset.token(), PASSWORD + "!", "interval '29 minutes'")).isEqualTo("password_set");
    }

    @Test
    void aResetEndsEverySessionOfTheAccountAndANewerLinkEndsTheOlder() throws SQLException {
        String before = app.mintSession(SANJEEVANI_BILLING);
        app.as(SANJEEVANI_BILLING, before, SANJEEVANI);
        assertThat(app.string("select app.current_user_id()::text")).isEqualTo(SANJEEVANI_BILLING.toString());
        app.as(null, null);

        assertThat(app.string("select outcome from app.request_password_reset(?, ?)", CLERK_EMAIL, address())).isEqualTo("accepted");
        Message first = takeOne(CLERK_EMAIL);
        assertThat(app.string("select outcome from app.request_password_reset(?, ?)", CLERK_EMAIL.toUpperCase(), address()))
                .isEqualTo("accepted");
        Message second = takeOne(CLERK_EMAIL);
        assertThat(redeem(first.token(), PASSWORD)).containsExactly("invalid_link", null);
        assertThat(redeem(second.token(), PASSWORD)).containsExactly("password_set", null);

        // the session from before the reset no longer enters; the old password no longer signs in, the new one does
        assertThat(app.sqlFailure("select app.set_current_user(?, ?)", SANJEEVANI_BILLING, before).getSQLState())
                .isEqualTo("28000");
        assertThat(signIn(CLERK_EMAIL, DEMO_PASSWORD)).isEqualTo("bad_credentials");
        assertThat(signIn(CLERK_EMAIL, PASSWORD)).isEqualTo("signed_in");
    }

    @Test
    void knownAndUnknownAddressesAnswerAlikeAndDoTheSameWork() throws SQLException {
        String unknown = unique("nobody");
        long queued = outboxRows("true");
        List<List<String>> known = app.table("select * from app.request_password_reset(?, ?)", CLERK_EMAIL, address());
        List<List<String>> stranger = app.table("select * from app.request_password_reset(?, ?)", unknown, address());
        assertThat(stranger).isEqualTo(known).containsExactly(java.util.Arrays.asList("accepted", null));
        assertThat(outboxRows("true")).isEqualTo(queued + 2);

        // sign-up: a new address and one that has a sign-in answer alike too
        String newcomer = unique("newcomer");
        List<List<String>> fresh = app.table("select * from app.sign_up_patient(?, 'Meera Patil', ?)", newcomer, address());
        List<List<String>> taken = app.table("select * from app.sign_up_patient('patient.anil@careledger.test', 'Anil', ?)", address());
        assertThat(taken).isEqualTo(fresh).containsExactly(java.util.Arrays.asList("accepted", null));
        assertThat(outboxRows("true")).isEqualTo(queued + 4);

        // what differs is only what the mailbox's owner receives
        List<Message> sent = take();
        assertThat(sent).filteredOn(m -> m.recipient().equals(unknown)).isEmpty();
        assertThat(sent).filteredOn(m -> m.recipient().equals(CLERK_EMAIL)).extracting(Message::kind).containsExactly("password_reset");
        assertThat(sent).filteredOn(m -> m.recipient().equals(newcomer)).extracting(Message::kind).containsExactly("sign_up");
        assertThat(sent).filteredOn(m -> m.recipient().equals("patient.anil@careledger.test")).extracting(Message::kind)
                .containsExactly("already_registered");
        assertThat(outboxRows("recipient = '" + unknown + "' and finish = 'no_message'")).isEqualTo(1);

        // bad input is refused and queues nothing
        assertThat(app.string("select outcome from app.request_password_reset('no address', ?)", address())).isEqualTo("invalid_email");
        assertThat(app.string("select outcome from app.sign_up_patient(?, ?, ?)", unique("x"), "\u200B", address())).isEqualTo("invalid_name");
        assertThat(outboxRows("true")).isEqualTo(queued + 4);
    }

    @Test
    void theSenderTakesEachMessageOnceAndAgainOnlyIfItWasNotSent() throws SQLException {
        String email = unique("once");
        app.string("select outcome from app.request_password_reset(?, ?)", "patient.rahul@careledger.test", address());
        app.string("select outcome from app.sign_up_patient(?, 'Once Only', ?)", email, address());
        List<Message> first = mine(take(), email, "patient.rahul@careledger.test");
        assertThat(first).extracting(Message::kind).containsExactlyInAnyOrder("sign_up", "password_reset");
        assertThat(mine(take(), email, "patient.rahul@careledger.test")).isEmpty();

        Message signUp = first.stream().filter(m -> m.kind().equals("sign_up")).findFirst().orElseThrow();
        Message reset = first.stream().filter(m -> m.kind().equals("password_reset")).findFirst().orElseThrow();
        app.as(SENDER, null);
        assertThat(app.bool("select app.mark_notification_sent(?)", signUp.id())).isTrue();
        assertThat(app.bool("select app.mark_notification_sent(?)", signUp.id())).isFalse();

        // ten minutes on, the one never marked sent is taken again, with a new link that ends the old one
        List<Message> later = mine(takeAt("interval '11 minutes'"), email, "patient.rahul@careledger.test");
        assertThat(later).extracting(Message::id).containsExactly(reset.id());
        assertThat(later.getFirst().token()).isNotEqualTo(reset.token());
        assertThat(redeem(reset.token(), PASSWORD)).containsExactly("invalid_link", null);
        // taken again at 11 minutes, so not again before 21; the one marked sent never again
        assertThat(mine(takeAt("interval '15 minutes'"), email, "patient.rahul@careledger.test")).isEmpty();
    }

    @Test
    void aPatientSignsUpAndTheSignInWorksOnlyAfterTheLink() throws SQLException {
        String email = unique("meera");
        assertThat(app.string("select outcome from app.sign_up_patient(?, 'Meera Patil', ?)", email, address())).isEqualTo("accepted");
        app.as(SUPER_ADMIN, null);
        assertThat(app.rows("users where email = ?", email)).as("made when the message is taken").isZero();

        Message message = takeOne(email);
        assertThat(message.kind()).isEqualTo("sign_up");
        assertThat(message.name()).isEqualTo("Meera Patil");
        app.as(SUPER_ADMIN, null);
        assertThat(app.table("select role::text, status::text, facility_id from users where email = ?", email))
                .containsExactly(java.util.Arrays.asList("patient", "pending", null));
        assertThat(signIn(email, PASSWORD)).isEqualTo("bad_credentials");

        assertThat(redeem(message.token(), PASSWORD)).containsExactly("password_set", null);
        List<List<String>> signedIn = app.table("select outcome, role::text, token from app.sign_in(?, ?, ?)", email, PASSWORD, address());
        assertThat(signedIn.getFirst().subList(0, 2)).containsExactly("signed_in", "patient");
        UUID patient = UUID.fromString(app.string("select user_id::text from app.sign_in(?, ?, ?)", email, PASSWORD, address()));
        app.as(patient, signedIn.getFirst().get(2), null);
        assertThat(app.currentRole()).isEqualTo(AppSession.PATIENT_ROLE);
        assertThat(app.string("select app.current_user_id()::text")).isEqualTo(patient.toString());
    }

    @Test
    void requestsAreThrottledPerMailboxAndPerClientAddress() throws SQLException {
        String email = unique("flood");
        for (int i = 0; i < 3; i++) {
            assertThat(app.string("select outcome from app.request_password_reset(?, ?)", email, address())).isEqualTo("accepted");
        }
        assertThat(app.table("select outcome, retry_after_seconds between 1 and 1800 from app.request_password_reset(?, ?)",
                email, address())).containsExactly(List.of("throttled", "t"));
        assertThat(app.string("select outcome from app.sign_up_patient(?, 'Flood', ?)", email, address())).isEqualTo("throttled");
        assertThat(definerString("select outcome from app.request_password_reset_at(?, ?, now() + interval '31 minutes')",
                email, address())).isEqualTo("accepted");

        String client = address();
        for (int i = 0; i < 20; i++) {
            assertThat(app.string("select outcome from app.sign_up_patient(?, 'Spray', ?)", unique("spray"), client))
                    .isEqualTo("accepted");
        }
        assertThat(app.string("select outcome from app.request_password_reset(?, ?)", unique("spray"), client)).isEqualTo("throttled");
    }

    @Test
    void failedLinksThrottleTheClientAddressLikeFailedSignIns() throws SQLException {
        String email = unique("guess");
        app.as(SANJEEVANI_ADMIN, SANJEEVANI);
        app.string("select app.invite_user(?, 'Guessed At', 'staff', ?)::text", email, SANJEEVANI);
        Message invitation = takeOne(email);
        String client = address();
        for (int i = 0; i < 30; i++) {
            assertThat(app.string("select outcome from app.redeem_account_link(?, ?, ?)",
                    String.format("%064x", i), PASSWORD, client)).isEqualTo("invalid_link");
        }
        // the right link from that address waits; from another address it works
        assertThat(app.string("select outcome from app.redeem_account_link(?, ?, ?)", invitation.token(), PASSWORD, client))
                .isEqualTo("throttled");
        assertThat(app.string("select outcome from app.sign_in(?, ?, ?)", CLERK_EMAIL, DEMO_PASSWORD, client)).isEqualTo("throttled");
        assertThat(app.string("select outcome from app.redeem_account_link(?, ?, ?)", invitation.token(), PASSWORD, address()))
                .isEqualTo("password_set");
    }

    // ---------------------------------------------------------------------------------------------------------------

    record Message(UUID id, String kind, String recipient, String name, String facility, String token) {
    }

    /** Everything pending, taken now as the notification sender (then nobody again). */
    private List<Message> take() throws SQLException {
        app.as(SENDER, null);
        List<Message> out = messages(app.table("""
                select id::text, kind, recipient, display_name, facility_name, link_token
                from app.take_notifications(1000)"""));
        app.as(null, null);
        return out;
    }

    /** Everything pending at a later time, taken as the notification sender through the definer's clock variant. */
    private List<Message> takeAt(String later) throws SQLException {
        app.as(SENDER, null);
        List<List<String>> rows = app.definerTable("""
                select id::text, kind, recipient, display_name, facility_name, link_token
                from app.take_notifications_at(1000, now() + %s)""".formatted(later));
        app.as(null, null);
        return messages(rows);
    }

    private Message takeOne(String recipient) throws SQLException {
        List<Message> mine = mine(take(), recipient);
        assertThat(mine).as("messages to %s", recipient).hasSize(1);
        return mine.getFirst();
    }

    private static List<Message> mine(List<Message> messages, String... recipients) {
        List<String> wanted = List.of(recipients);
        return messages.stream().filter(m -> wanted.contains(m.recipient().toLowerCase())).toList();
    }

    private static List<Message> messages(List<List<String>> rows) {
        return rows.stream().map(r -> new Message(UUID.fromString(r.get(0)), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5)))
                .toList();
    }

    /** Outcome and problem of redeeming a link now, from a fresh client address. */
    private List<String> redeem(String token, String password) throws SQLException {
        return app.table("select outcome, problem from app.redeem_account_link(?, ?, ?)", token, password, address()).getFirst();
    }

    private String redeemAt(String token, String password, String later) throws SQLException {
        return definerString("select outcome from app.redeem_account_link_at(?, ?, ?, now() + " + later + ")",
                token, password, address());
    }

    private String signIn(String email, String password) throws SQLException {
        return app.string("select outcome from app.sign_in(?, ?, ?)", email, password, address());
    }

    /** Rows of the outbox matching a condition, counted as the definer role (no app role can). */
    private long outboxRows(String condition) throws SQLException {
        return Long.parseLong(definerString("select count(*) from app.outbox where " + condition));
    }

    private String definerString(String sql, Object... params) throws SQLException {
        List<List<String>> rows = app.definerTable(sql, params);
        assertThat(rows).hasSize(1);
        return rows.getFirst().getFirst();
    }

    private static List<String> lines(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }

    private static String unique(String who) {
        return who + "-" + UUID.randomUUID() + "@accounts.test";
    }

    private static String address() {
        return "test-" + UUID.randomUUID();
    }
}
