package com.careledger.core.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.careledger.core.notification.MailPort;
import com.careledger.core.notification.NotificationSender;
import com.careledger.test.BrowserTest;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The public account pages in a browser, by keyboard where a person would type: a new patient signs up from the
 * sign-in page, opens the mailed link, sets a password twice and signs in with it; "Forgot password?" answers the
 * same for any address. The mail port keeps what it is given, and the test runs the sender itself (browser tests
 * switch its schedule off, so no other context takes the message first).
 */
class AccountFlowIT extends BrowserTest {

    private static final Pattern LINK = Pattern.compile("/set-password/[0-9a-f]{64}");
    private static final String PASSWORD = "kiran keeps the ledger straight";

    /** A mail port that keeps what it is given. */
    static final class Mailbox implements MailPort {
        final List<Mail> mails = new CopyOnWriteArrayList<>();

        @Override
        public void send(Mail mail) {
            mails.add(mail);
        }

        /** The path of the one link mailed to an address. */
        String linkTo(String address) {
            List<Mail> mine = mails.stream().filter(m -> m.to().equals(address)).toList();
            assertThat(mine).as("mail to %s", address).hasSize(1);
            Matcher m = LINK.matcher(mine.getFirst().body());
            assertThat(m.find()).as("a link in %s", mine.getFirst().body()).isTrue();
            return m.group();
        }
    }

    @TestConfiguration
    static class Mail {
        @Bean
        Mailbox mailbox() {
            return new Mailbox();
        }
    }

    @Autowired
    NotificationSender sender;

    @Autowired
    Mailbox mailbox;

    @Test
    void aNewPatientSignsUpSetsAPasswordWithTheMailedLinkAndSignsIn() {
        String email = "kiran-" + UUID.randomUUID() + "@patients.test";
        page.navigate(url("/login"));
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Create an account")).click();
        page.waitForURL(Pattern.compile(".*/sign-up$"));
        page.getByLabel("Full name").fill("Kiran Rao");
        page.getByLabel("Email").fill(email);
        page.keyboard().press("Enter");
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("Check your mail");

        assertThat(sender.sendPending()).isGreaterThanOrEqualTo(1);
        page.navigate(url(mailbox.linkTo(email)));
        page.getByLabel("New password", new Page.GetByLabelOptions().setExact(true)).fill(PASSWORD);
        page.getByLabel("New password, again").fill(PASSWORD + " typo");
        page.keyboard().press("Enter");
        assertThat(page.getByText("The two passwords differ")).isVisible();
        page.getByLabel("New password, again").fill(PASSWORD);
        page.keyboard().press("Enter");
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("Your password is set");

        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Sign in").setExact(true)).click();
        page.waitForURL(Pattern.compile(".*/login$"));
        signIn(email, PASSWORD);
        page.waitForURL(Pattern.compile(".*/patient(\\?continue)?$"));
    }

    @Test
    void forgotPasswordAnswersAlikeForAnyAddress() {
        for (String address : List.of("billing@sanjeevani.test", "nobody-" + UUID.randomUUID() + "@nowhere.test")) {
            page.navigate(url("/login"));
            page.getByText("Forgot password?").click();
            page.waitForURL(Pattern.compile(".*/forgot-password$"));
            page.getByLabel("Email").fill(address);
            page.keyboard().press("Enter");
            assertThat(page.getByRole(AriaRole.STATUS)).hasText(ForgotPasswordView.SENT);
        }
    }
}
