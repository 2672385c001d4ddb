package com.careledger.core.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import java.util.regex.Pattern;

import com.careledger.test.BrowserTest;
import com.careledger.test.TestDatabase;
import org.junit.jupiter.api.Test;

/** The drawer lists the pages the signed-in role may open (from the views' own menu entries), and sign-out is there. */
class NavigationIT extends BrowserTest {

    @Test
    void eachRoleLandsOnItsPageAndSeesOnlyItsOwnEntries() {
        expect("superadmin@careledger.test", ".*/admin/facilities(\\?continue)?$", "Facilities");
        expect("admin@sanjeevani.test", ".*/facility(\\?continue)?$", "My facility");
        expect("billing@sanjeevani.test", ".*/staff(\\?continue)?$", "Today");
        expect("patient.anil@careledger.test", ".*/patient(\\?continue)?$", "My health card");
    }

    @Test
    void theRootAddressTakesASignedInUserToTheLandingPageOfTheirRole() {
        page.navigate(url("/login"));
        signIn("dr.sunil@sanjeevani.test", TestDatabase.DEMO_PASSWORD);
        page.waitForURL(Pattern.compile(".*/staff(\\?continue)?$"));

        page.navigate(url("/"));
        page.waitForURL(Pattern.compile(".*/staff$"));
        assertThat(page.locator("#navigation vaadin-side-nav-item")).hasCount(1);
        assertThat(page.locator("#navigation vaadin-side-nav-item")).containsText("Today");
    }

    /** An address that is no page, typed by a signed-in user, names none of the portal's pages. */
    @Test
    void anUnknownAddressListsNoPages() {
        page.navigate(url("/login"));
        signIn("dr.sunil@sanjeevani.test", TestDatabase.DEMO_PASSWORD);
        page.waitForURL(Pattern.compile(".*/staff(\\?continue)?$"));

        page.navigate(url("/no-such-page"));
        assertThat(page.locator("main h1")).hasText("Page not found");
        assertThat(page.locator("#navigation vaadin-side-nav-item")).hasCount(1);
        assertThat(page.locator("body")).not().containsText("admin/facilities");
        assertThat(page.locator("body")).not().containsText("patient");
        assertThat(page.locator("body")).not().containsText("route");
    }

    /** On a 360 px phone the header keeps the menu button; sign-out is in the drawer, and it works by keyboard. */
    @Test
    void signOutIsReachableOnA360PixelPhone() {
        page.setViewportSize(360, 740);
        page.navigate(url("/login"));
        signIn("admin@sanjeevani.test", TestDatabase.DEMO_PASSWORD);
        page.waitForURL(Pattern.compile(".*/facility(\\?continue)?$"));
        assertThat(page.locator("#sign-out")).isHidden();

        page.locator("vaadin-drawer-toggle").click();
        assertThat(page.locator("#language-switch-drawer")).isVisible();
        page.locator("#sign-out-drawer").focus();
        page.keyboard().press("Enter");
        page.waitForURL(Pattern.compile(".*/login$"));
        assertThat(page.locator("vaadin-login-form")).isVisible();
    }

    /** A page of another role, opened by its address: refused inside the frame, with the way home. */
    @Test
    void anotherRolesPageIsRefusedInTheFrame() {
        page.navigate(url("/login"));
        signIn("dr.sunil@sanjeevani.test", TestDatabase.DEMO_PASSWORD);
        page.waitForURL(Pattern.compile(".*/staff(\\?continue)?$"));

        page.navigate(url("/admin/facilities"));
        assertThat(page.locator("main h1")).hasText("Not open to you");
        assertThat(page.locator("#facilities")).hasCount(0);
        page.getByText("Go to your start page").click();
        page.waitForURL(Pattern.compile(".*/staff$"));
    }

    private void expect(String email, String landing, String onlyEntry) {
        page.navigate(url("/login"));
        signIn(email, TestDatabase.DEMO_PASSWORD);
        page.waitForURL(Pattern.compile(landing));
        assertThat(page.locator("#navigation vaadin-side-nav-item")).hasCount(1);
        assertThat(page.locator("#navigation vaadin-side-nav-item[current]")).containsText(onlyEntry);
        page.locator("#sign-out").click();
        page.waitForURL(Pattern.compile(".*/login$"));
        // signing out (which also ends the database session) leaves a sign-in form ready for the next person
        assertThat(page.locator("vaadin-login-form")).isVisible();
    }
}
