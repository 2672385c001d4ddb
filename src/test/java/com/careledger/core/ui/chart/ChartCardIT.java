package com.careledger.core.ui.chart;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import com.careledger.test.BrowserTest;
import com.microsoft.playwright.Locator;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.router.RouteConfiguration;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import com.vaadin.flow.server.VaadinServletContext;
import com.vaadin.flow.server.startup.ApplicationRouteRegistry;
import jakarta.servlet.ServletContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A chart card in the browser, on a phone's width: the chart draws with the server's tick labels and without
 * animation inside the screen's width, the canvas carries its summary, and the table toggle works from the keyboard.
 * The page exists only during this test (registered at run time, not by {@code @Route}), so no other test or menu
 * sees it.
 */
class ChartCardIT extends BrowserTest {

    private static final String PATH = "test/chart-card";

    @Autowired
    private ServletContext servletContext;

    /** Two cards, as a dashboard would make them. */
    @AnonymousAllowed
    public static class Cards extends Div {
        public Cards() {
            Locale locale = Locale.forLanguageTag("en-IN");
            ChartTexts texts = new ChartTexts("Show as table", "Day");
            add(new ChartCard("collections", "Collections", ChartType.STACKED_BAR,
                    ChartData.money(locale, List.of("1 Dec", "2 Dec", "3 Dec"))
                            .series("Cash", List.of(1_250_000L, 980_050L, 0L))
                            .series("Online", List.of(12_345_650L, 2_100_000L, 450_000L)), texts));
            add(new ChartCard("methods", "Payments by method", ChartType.DOUGHNUT,
                    ChartData.counts(locale, List.of("UPI", "Card", "Cash")).series("Payments", List.of(1_234L, 560L, 789L)),
                    new ChartTexts("Show as table", "Method")));
        }
    }

    @BeforeEach
    void registerThePage() {
        routes().setRoute(PATH, Cards.class);
    }

    @AfterEach
    void removeThePage() {
        routes().removeRoute(PATH);
    }

    private RouteConfiguration routes() {
        return RouteConfiguration.forRegistry(ApplicationRouteRegistry.getInstance(new VaadinServletContext(servletContext)));
    }

    @Test
    void aChartCardReadsOnAPhoneAndItsTableOpensFromTheKeyboard() {
        page.setViewportSize(390, 844);
        page.navigate(url("/" + PATH));
        Locator chart = page.locator("#collections-chart");
        page.waitForFunction("() => document.querySelector('#collections-chart')?.chart !== undefined "
                + "&& document.querySelector('#methods-chart')?.chart !== undefined");

        assertThat(chart.locator("canvas")).hasAttribute("aria-label", "Collections: Cash: 1 Dec ₹12,500.00, "
                + "2 Dec ₹9,800.50, 3 Dec ₹0.00; Online: 1 Dec ₹1,23,456.50, 2 Dec ₹21,000.00, 3 Dec ₹4,500.00");
        assertThat(chart.evaluate("e => e.chart.scales.y.ticks.map(t => t.label)"))
                .isEqualTo(List.of("₹0", "₹50,000", "₹1.00\u00a0L", "₹1.50\u00a0L"));
        assertThat(chart.evaluate("e => e.chart.options.animation")).isEqualTo(false);
        // inside the phone's width, as high as the style sheet says (15rem below 480 px)
        assertThat(((Number) chart.evaluate("e => e.getBoundingClientRect().right")).doubleValue()).isLessThanOrEqualTo(390);
        assertThat(((Number) chart.evaluate("e => e.shadowRoot.querySelector('canvas').clientHeight")).intValue())
                .isEqualTo(240);
        assertThat(((Number) page.evaluate("() => document.documentElement.scrollWidth")).intValue()).isLessThanOrEqualTo(390);

        Locator table = page.locator("#collections-table");
        assertThat(table).isHidden();
        page.locator("#collections-toggle").focus();
        page.keyboard().press("Enter");
        assertThat(page.locator("#collections-toggle")).hasAttribute("aria-pressed", "true");
        assertThat(table).isVisible();
        assertThat(table.locator("tbody tr").first()).hasText(Pattern.compile("1 Dec\\s*₹12,500.00\\s*₹1,23,456.50"));
    }
}
