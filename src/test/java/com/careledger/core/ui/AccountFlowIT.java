package com.careledger.core.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.careledger.core.notification.LoggingMailPort;
import com.careledger.core.notification.NotificationSender;
import com.careledger.test.BrowserTest;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.slf4j.LoggerFactory;

/**
 * The public account pages in a browser, by keyboard where a person would type: a new patient signs up from the
 * sign-in page, opens the mailed link, sets a password twice and signs in with it; "Forgot password?" answers the
 * same for any address. The mail goes to the default port, which writes it to the log: the test reads the link from
 * there, and runs the sender itself (browser tests switch its schedule off, so no other context takes the message).
 */
class AccountFlowIT extends BrowserTest {

    private static final Pattern LINK = Pattern.compile("/set-password/[0-9a-f]{64}");
    private static final String PASSWORD = "kiran keeps the ledger straight";

    @Autowired
    NotificationSender sender;

    /** Sends what is pending and returns the path of the one link the log shows mailed to an address. */
    private String sendAndReadLinkTo(String address) {
        Logger log = (Logger) LoggerFactory.getLogger(LoggingMailPort.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        log.addAppender(appender);
        try {
            sender.sendPending();
        } finally {
            log.detachAppender(appender);
        }
        List<String> mine = appender.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.contains(" to " + address + "\n")).toList();
        assertThat(mine).as("mail to %s in the log", address).hasSize(1);
        Matcher m = LINK.matcher(mine.getFirst());
        assertThat(m.find()).as("a link in %s", mine.getFirst()).isTrue();
        return m.group();
    }

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

        page.navigate(url(sendAndReadLinkTo(email)));
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
            assertThat(page.getByRole(AriaRole.STATUS)).hasText(
                    "If an account exists for this address, we have sent a link to it. The link works once, for 30 minutes.");
        }
    }
}
