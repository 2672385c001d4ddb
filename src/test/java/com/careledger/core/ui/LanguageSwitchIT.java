package com.careledger.core.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import java.util.regex.Pattern;

import com.careledger.test.BrowserTest;
import com.careledger.test.TestDatabase;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import org.junit.jupiter.api.Test;

/**
 * The language switcher: on the sign-in page it turns the page into Hindi for this browser; signed in, the choice is
 * kept with the person, so a new browser whose own language is English opens their pages in Hindi after sign-in; and
 * back. Keyboard only.
 */
class LanguageSwitchIT extends BrowserTest {

    /** A sign-in the view sweep does not use: its choice here cannot change the sweep's languages. */
    private static final String DOCTOR = "dr.sunil@sanjeevani.test";

    @Test
    void theChoiceFollowsThePageTheBrowserAndThePerson() {
        page.navigate(url("/login"));
        assertThat(page.locator("html")).hasAttribute("lang", "en");
        page.locator("#language-switch").focus();
        page.keyboard().press("Enter");
        assertThat(page.locator("vaadin-login-form")).containsText("साइन इन करें");
        assertThat(page.locator("html")).hasAttribute("lang", "hi");

        // signed in, the switch is kept with the person (a doctor chooses Hindi)
        signIn(DOCTOR, TestDatabase.DEMO_PASSWORD);
        page.waitForURL(Pattern.compile(".*/staff(\\?continue)?$"));
        assertThat(page.locator("h1")).containsText("नमस्ते");
        page.locator("#language-switch").click();
        assertThat(page.locator("h1")).containsText("Namaste");
        page.locator("#language-switch").click();
        assertThat(page.locator("h1")).containsText("नमस्ते");

        // another browser, English by its own language and without the cookie: Hindi after sign-in
        try (BrowserContext other = newContext("en-IN", 1366, 768)) {
            Page elsewhere = other.newPage();
            elsewhere.navigate(url("/login"));
            assertThat(elsewhere.locator("vaadin-login-form")).containsText("Sign in");
            signIn(elsewhere, DOCTOR, TestDatabase.DEMO_PASSWORD);
            elsewhere.waitForURL(Pattern.compile(".*/staff(\\?continue)?$"));
            assertThat(elsewhere.locator("h1")).containsText("नमस्ते");
            assertThat(elsewhere.locator("html")).hasAttribute("lang", "hi");
            // and back to English, which other tests expect of this doctor
            elsewhere.locator("#language-switch").click();
            assertThat(elsewhere.locator("h1")).containsText("Namaste");
        }
    }
}
