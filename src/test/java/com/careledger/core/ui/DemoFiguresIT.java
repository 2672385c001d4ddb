package com.careledger.core.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import java.util.regex.Pattern;

import com.careledger.test.BrowserTest;
import com.careledger.test.ui.DemoUser;
import org.junit.jupiter.api.Test;

/**
 * On a first start every demo role sees money on its start page: non-zero amounts, grouped the Indian way, from the
 * demo activity (DemoActivityTest proves the same figures against the ledger). The facility admin's are checked by
 * SignInIT.
 */
class DemoFiguresIT extends BrowserTest {

    /** "₹1,23,456.78": a non-zero amount with Indian grouping. */
    private static final Pattern AMOUNT = Pattern.compile("^(?:₹[1-9][0-9]?(,[0-9]{2})*,[0-9]{3}|₹[1-9][0-9]{0,2})\\.[0-9]{2}$");

    @Test
    void theSuperAdminTheClerkAndThePatientSeeTheirMoney() {
        expect(DemoUser.SUPER_ADMIN, "#platform-billed", "#platform-commission", "#platform-cash");
        expect(DemoUser.STAFF, "#collected-week");
        expect(DemoUser.PATIENT, "#bills-total", "#bills-paid");
    }

    private void expect(DemoUser user, String... figures) {
        page.navigate(url("/login"));
        signIn(user.email, user.password());
        page.waitForURL(Pattern.compile(".*" + Pattern.quote(user.landing) + "(\\?continue)?$"));
        for (String figure : figures) {
            assertThat(page.locator(figure)).hasText(AMOUNT);
        }
        page.locator("#sign-out").click();
        page.waitForURL(Pattern.compile(".*/login$"));
    }
}
