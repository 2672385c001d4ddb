package com.careledger.test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Browser tests: the whole portal on a random port (embedded PostgreSQL with demo data), driven by
 * Playwright in Debian's Chromium. Every test gets a fresh browser context (no cookies) and leaves a
 * screenshot of where it ended in target/screenshots.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class BrowserTest {

    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
    private static Playwright playwright;
    private static Browser browser;

    @LocalServerPort
    protected int port;

    protected BrowserContext context;
    protected Page page;

    private static synchronized Browser browser() {
        if (browser == null) {
            playwright = Playwright.create(new Playwright.CreateOptions()
                    .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
            browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                    .setExecutablePath(CHROMIUM)
                    .setHeadless(true)
                    .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                            "--disable-background-networking", "--disable-component-update", "--disable-sync")));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                browser.close();
                playwright.close();
            }));
        }
        return browser;
    }

    @BeforeEach
    void openBrowser() {
        context = browser().newContext(new Browser.NewContextOptions().setViewportSize(1280, 860).setLocale("en-IN"));
        context.setDefaultTimeout(30_000);
        // development mode's tools (Copilot and its "running in development mode" notice) float over the page
        context.addInitScript("""
                document.addEventListener('DOMContentLoaded', () => {
                  const style = document.createElement('style');
                  style.textContent = 'copilot-main, vaadin-dev-tools { display: none !important; }';
                  document.head.appendChild(style);
                });""");
        page = context.newPage();
    }

    @AfterEach
    void screenshotAndClose(TestInfo test) throws Exception {
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
        page.locator("vaadin-login-form input[name='username']").fill(email);
        page.locator("vaadin-login-form input[name='password']").fill(password);
        page.locator("vaadin-login-form vaadin-button[slot='submit']").click();
    }
}
