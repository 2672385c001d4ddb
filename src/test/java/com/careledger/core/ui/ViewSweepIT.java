package com.careledger.core.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import com.careledger.test.BrowserTest;
import com.careledger.test.ui.Axe;
import com.careledger.test.ui.DemoUser;
import com.careledger.test.ui.ViewPage;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import org.junit.jupiter.api.Test;

/**
 * Every view, once, in English and in Hindi, on a laptop (1366×768) and a phone (390×844): drawn, screenshot saved
 * (target/screenshots/&lt;view&gt;-&lt;language&gt;-&lt;size&gt;.png), no critical or serious WCAG 2.1 AA violation
 * (axe), one {@code h1}, a {@code main} landmark, {@code <html lang>} of the language, and on a phone sign-out and the
 * language switcher reachable in the drawer. In Hindi no English word is left outside the names and codes of the
 * allow-list (at most 50 entries), the owner's Hinglish questions (marked {@code lang="hi-Latn"}) and the
 * switcher's own "English". The browser's language (Accept-Language) chooses Hindi here: the switcher is tried by
 * {@link LanguageSwitchIT}.
 */
class ViewSweepIT extends BrowserTest {

    /** Names and codes that stay in Latin letters on a Hindi page: the portal's, the demo data's people and places. */
    private static final Set<String> LATIN_ON_HINDI_PAGES = Set.of(
            "CareLedger",
            // demo people
            "Asha", "Kulkarni", "platform", "Rohan", "Deshpande", "Dr", "Kavita", "Patil", "billing", "Anil", "Gaikwad",
            // demo facilities and their cities
            "Sanjeevani", "Multispeciality", "Hospital", "Arogya", "Family", "Clinic", "Precision", "Diagnostics", "Lab",
            "Navjeevan", "IVF", "Centre", "Shree", "Medical", "Store", "Jeevan", "Dhara", "Blood", "Bank", "Lifeline",
            "Kothrud", "Pune", "Nashik", "Mumbai", "Nagpur", "Aurangabad");

    private static final Map<String, int[]> SIZES = new LinkedHashMap<>();

    static {
        SIZES.put("laptop", new int[] {1366, 768});
        SIZES.put("phone", new int[] {390, 844});
    }

    /** The visible text of the page, without what is marked as another language than the page's. */
    private static final String TEXT_IN_PAGE_LANGUAGE = """
            () => {
              const lang = document.documentElement.lang;
              const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
              const texts = [];
              for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const element = node.parentElement;
                if (!element || element.closest('script, style, template, [hidden]')) continue;
                const marked = element.closest('[lang]');
                if (marked && marked.getAttribute('lang') !== lang) continue;
                if (!element.checkVisibility || !element.checkVisibility()) continue;
                texts.push(node.textContent);
              }
              return texts.join(' ');
            }""";

    @Test
    void everyViewInBothLanguagesAtBothSizes() throws Exception {
        assertThat(LATIN_ON_HINDI_PAGES).hasSizeLessThanOrEqualTo(50);
        List<String> failures = new ArrayList<>();
        for (String language : List.of("en", "hi")) {
            Map<DemoUser, List<ViewPage>> byUser = new LinkedHashMap<>();
            List<ViewPage> anonymous = new ArrayList<>();
            for (ViewPage view : ViewPage.ALL) {
                if (view.user() == null) {
                    anonymous.add(view);
                } else {
                    byUser.computeIfAbsent(view.user(), u -> new ArrayList<>()).add(view);
                }
            }
            try (BrowserContext context = newContext(language + "-IN", 1366, 768)) {
                Page browser = context.newPage();
                for (ViewPage view : anonymous) {
                    sweep(browser, view, language, failures);
                }
            }
            for (Map.Entry<DemoUser, List<ViewPage>> entry : byUser.entrySet()) {
                try (BrowserContext context = newContext(language + "-IN", 1366, 768)) {
                    Page browser = context.newPage();
                    browser.navigate(url("/login"));
                    signIn(browser, entry.getKey().email, entry.getKey().password());
                    browser.waitForURL(Pattern.compile(".*" + Pattern.quote(entry.getKey().landing) + "(\\?continue)?$"));
                    for (ViewPage view : entry.getValue()) {
                        sweep(browser, view, language, failures);
                    }
                }
            }
        }
        assertThat(failures).isEmpty();
    }

    private void sweep(Page browser, ViewPage view, String language, List<String> failures) throws Exception {
        for (Map.Entry<String, int[]> size : SIZES.entrySet()) {
            String where = view.name() + " " + language + " " + size.getKey();
            browser.setViewportSize(size.getValue()[0], size.getValue()[1]);
            browser.navigate(url(view.path()));
            Path dir = Path.of(System.getProperty("careledger.screenshots", "target/screenshots"));
            Files.createDirectories(dir);
            String shot = view.name() + "-" + language + "-" + size.getKey();
            try {
                assertThat(browser.locator(view.ready()).first()).isVisible();
            } catch (AssertionError notDrawn) {
                browser.screenshot(new Page.ScreenshotOptions().setFullPage(true).setPath(dir.resolve(shot + "-failed.png")));
                throw notDrawn;
            }
            // every font the page uses is loaded before the picture is taken (Hindi's comes from the portal)
            browser.evaluate("() => document.fonts.ready");
            browser.screenshot(new Page.ScreenshotOptions().setFullPage(true).setPath(dir.resolve(shot + ".png")));

            assertThat(browser.locator("html")).hasAttribute("lang", language);
            // the page is drawn with its style sheets (Lumo's font list with the portal's Devanagari font in it)
            assertThat((String) browser.evaluate("() => getComputedStyle(document.body).fontFamily"))
                    .as("%s: body font", where).contains("Noto Sans Devanagari");
            assertThat(browser.locator("h1")).hasCount(1);
            assertThat(browser.locator("main")).hasCount(1);
            Axe.seriousViolations(browser).forEach(v -> failures.add(where + ": " + v));
            if (language.equals("hi")) {
                Set<String> english = englishWords((String) browser.evaluate(TEXT_IN_PAGE_LANGUAGE));
                if (!english.isEmpty()) {
                    failures.add(where + ": English words on a Hindi page: " + english);
                }
            }
            if (view.signedIn() && size.getKey().equals("phone")) {
                browser.locator("vaadin-drawer-toggle").click();
                assertThat(browser.locator("#sign-out-drawer")).isVisible();
                assertThat(browser.locator("#language-switch-drawer")).isVisible();
                assertThat(browser.locator("#sign-out")).isHidden();
                browser.keyboard().press("Escape");
            }
        }
    }

    private static Set<String> englishWords(String text) {
        Set<String> words = new TreeSet<>();
        // addresses are data: their parts are not words of the page
        var matcher = Pattern.compile("[A-Za-z]{2,}").matcher(text.replaceAll("\\S+@\\S+", " "));
        while (matcher.find()) {
            if (!LATIN_ON_HINDI_PAGES.contains(matcher.group())) {
                words.add(matcher.group());
            }
        }
        return words;
    }
}
