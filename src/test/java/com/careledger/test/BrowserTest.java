package com.careledger.test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Browser tests: the whole portal on a random port (embedded PostgreSQL with demo data), driven by
 * Playwright in headless Chromium: the one {@link Chromium#find()} finds (CHROMIUM, the distribution's, or npm's
 * {@code @sparticuz/chromium} build, fetched once). Every test gets a fresh browser context (no cookies) and leaves
 * a screenshot of where it ended in target/screenshots.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        // the notification sender runs only when a test runs it: no context's schedule takes another test's mail
        properties = "careledger.notifications.cron=-")
public abstract class BrowserTest {

    private static final Logger log = LoggerFactory.getLogger(BrowserTest.class);

    private static Playwright playwright;
    private static Browser browser;
    /** Why no browser could be had, kept so that later tests fail at once instead of trying again. */
    private static RuntimeException unavailable;

    @LocalServerPort
    protected int port;

    protected BrowserContext context;
    protected Page page;

    private static synchronized Browser browser() {
        if (unavailable != null) {
            throw unavailable;
        }
        if (browser == null) {
            try {
                browser = launch(Chromium.find());
            } catch (RuntimeException e) {
                unavailable = e;
                throw e;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                browser.close();
                playwright.close();
            }));
        }
        return browser;
    }

    private static Browser launch(Chromium chromium) {
        playwright = Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        BrowserType.LaunchOptions options = new BrowserType.LaunchOptions()
                .setExecutablePath(chromium.executable())
                .setHeadless(true)
                .setArgs(chromium.args())
                .setTimeout(120_000);
        if (!chromium.env().isEmpty()) {
            options.setEnv(chromium.env());
        }
        try {
            long started = System.nanoTime();
            Browser launched = playwright.chromium().launch(options);
            log.info("Chromium {} started in {} ms", launched.version(), (System.nanoTime() - started) / 1_000_000);
            return launched;
        } catch (RuntimeException e) {
            playwright.close();
            throw new IllegalStateException("Chromium " + chromium.executable() + " (" + chromium.origin()
                    + ") did not start: " + e.getMessage(), e);
        }
    }

    @BeforeEach
    void openBrowser() {
        context = newContext("en-IN", 1280, 860);
        page = context.newPage();
    }

    /**
     * A fresh browser context (no cookies) whose browser asks for the given language (Accept-Language) and has a
     * window of the given size; it prefers reduced motion, so nothing on the page animates. Close it after use.
     */
    protected static BrowserContext newContext(String locale, int width, int height) {
        BrowserContext context = browser().newContext(new Browser.NewContextOptions()
                .setViewportSize(width, height)
                .setLocale(locale)
                .setReducedMotion(com.microsoft.playwright.options.ReducedMotion.REDUCE));
        context.setDefaultTimeout(30_000);
        // development mode's tools (Copilot and its "running in development mode" notice) float over the page
        context.addInitScript("""
                document.addEventListener('DOMContentLoaded', () => {
                  const style = document.createElement('style');
                  style.textContent = 'copilot-main, vaadin-dev-tools { display: none !important; }';
                  document.head.appendChild(style);
                });""");
        return context;
    }

    @AfterEach
    void screenshotAndClose(TestInfo test) throws Exception {
        if (page == null) {
            return; // no browser: the test has already failed, saying why
        }
        Path dir = Path.of(System.getProperty("careledger.screenshots", "target/screenshots"));
        Files.createDirectories(dir);
        String name = getClass().getSimpleName() + "-" + test.getTestMethod().orElseThrow().getName() + ".png";
        page.screenshot(new Page.ScreenshotOptions().setPath(dir.resolve(name)).setFullPage(true));
        context.close();
    }

    protected String url(String path) {
        return "http://localhost:" + port + path;
    }

    /** Fills in and submits the sign-in form on the current page. */
    protected void signIn(String email, String password) {
        signIn(page, email, password);
    }

    /** Fills in and submits the sign-in form on a page. */
    protected static void signIn(Page page, String email, String password) {
        page.locator("vaadin-login-form input[name='username']").fill(email);
        page.locator("vaadin-login-form input[name='password']").fill(password);
        page.locator("vaadin-login-form vaadin-button[slot='submit']").click();
    }
}
