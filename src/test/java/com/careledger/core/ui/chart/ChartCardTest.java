package com.careledger.core.ui.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.IntStream;

import com.vaadin.flow.dom.Element;
import org.junit.jupiter.api.Test;

/** The card around a chart: its table of the same figures, the toggle that shows it, and its accessible names. */
class ChartCardTest {

    private static final Locale ENGLISH = Locale.forLanguageTag("en-IN");
    private static final ChartTexts TEXTS = new ChartTexts("Show as table", "Day");

    private static ChartCard collections() {
        return new ChartCard("collections", "Collections", ChartType.STACKED_BAR,
                ChartData.money(ENGLISH, List.of("1 Dec", "2 Dec"))
                        .series("Cash", List.of(1_250_000L, 98_005_000L))
                        .series("Online", List.of(12_345_650L, -5L)),
                TEXTS);
    }

    @Test
    void theTableShowsTheSameFiguresExactlyAsMoneyWritesThem() {
        ChartCard card = collections();

        assertThat(card.getTableText()).containsExactly(
                List.of("Day", "Cash", "Online"),
                List.of("1 Dec", "₹12,500.00", "₹1,23,456.50"),
                List.of("2 Dec", "₹9,80,050.00", "-₹0.05"));
        assertThat(card.getTable().getCaptionText()).isEqualTo("Collections");
        Element firstRow = card.getTable().getBody().getRows().getFirst().getElement();
        assertThat(firstRow.getChild(0).getTag()).isEqualTo("th");
        assertThat(firstRow.getChild(0).getAttribute("scope")).isEqualTo("row");
        assertThat(card.getTable().getHead().getRows().getFirst().getElement().getChild(1).getAttribute("scope"))
                .isEqualTo("col");
        assertThat(card.getChart().getConfigJson()).contains("\"careledger\"").contains("\"animation\":false");
    }

    @Test
    void theToggleShowsAndHidesTheTableAndSaysSo() {
        ChartCard card = collections();
        Element toggle = card.getToggle().getElement();
        Element box = card.getTable().getElement().getParent();

        assertThat(card.isTableShown()).isFalse();
        assertThat(box.hasAttribute("hidden")).isTrue();
        assertThat(toggle.getAttribute("aria-pressed")).isEqualTo("false");
        assertThat(toggle.getAttribute("aria-controls")).isEqualTo("collections-table").isEqualTo(card.getTable().getId().orElseThrow());
        assertThat(card.getToggle().getText()).isEqualTo("Show as table");

        card.getToggle().click();
        assertThat(card.isTableShown()).isTrue();
        assertThat(box.hasAttribute("hidden")).isFalse();
        assertThat(toggle.getAttribute("aria-pressed")).isEqualTo("true");
        assertThat(card.getToggle().getText()).as("the label stays; aria-pressed tells").isEqualTo("Show as table");

        card.getToggle().click();
        assertThat(card.isTableShown()).isFalse();
        assertThat(toggle.getAttribute("aria-pressed")).isEqualTo("false");
        // the box scrolls a wide table on a phone: it can take the focus and is named by the card's heading
        assertThat(box.getAttribute("tabindex")).isEqualTo("0");
        assertThat(box.getAttribute("aria-labelledby")).isEqualTo("collections-title");
    }

    @Test
    void theCanvasIsLabelledWithItsValuesWhenTheyAreFew() {
        assertThat(collections().getChart().getElement().getAttribute("aria-label")).isEqualTo(
                "Collections: Cash: 1 Dec ₹12,500.00, 2 Dec ₹9,80,050.00; Online: 1 Dec ₹1,23,456.50, 2 Dec -₹0.05");

        List<String> days = IntStream.rangeClosed(1, 13).mapToObj(d -> d + " Dec").toList();
        ChartCard many = new ChartCard("daily", "Bills a day", ChartType.LINE,
                ChartData.counts(ENGLISH, days).series("Bills", days.stream().map(d -> 1_000L).toList()), TEXTS);
        assertThat(many.getChart().getElement().getAttribute("aria-label")).isEqualTo("Bills a day");

        many.setSummary("Bills a day: 1,000 each day");
        assertThat(many.getChart().getElement().getAttribute("aria-label")).isEqualTo("Bills a day: 1,000 each day");
    }

    @Test
    void everyTextInTheCardComesFromTheCallerOrTheFigures() {
        ChartCard card = collections();
        Set<String> texts = new HashSet<>();
        collectTexts(card.getElement(), texts);
        texts.removeAll(Set.of("Collections", "Show as table", "Day", "Cash", "Online", "1 Dec", "2 Dec"));
        assertThat(texts).as("texts the chart API wrote itself").allMatch(t -> t.matches("-?₹[0-9,]+\\.[0-9]{2}"));
    }

    @Test
    void dataThatCannotBeDrawnIsRefusedWithAReason() {
        assertThatThrownBy(() -> ChartData.money(ENGLISH, List.of("a", "b")).series("Cash", List.of(1L)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Series \"Cash\" has 1 values for 2 categories: one value per category");
        assertThatThrownBy(() -> ChartData.money(ENGLISH, List.of("a")).series("Cash", List.of(1L << 53)))
                .hasMessageContaining("beyond the ±2^53");
        assertThatThrownBy(() -> new ChartCard("c", "Mix", ChartType.DOUGHNUT,
                ChartData.counts(ENGLISH, List.of("a", "b")).series("x", List.of(2L, -1L)), TEXTS))
                .hasMessage("A doughnut shows shares of a whole; chart \"Mix\" has a negative value");
        assertThatThrownBy(() -> new ChartCard("c", "Mix", ChartType.DOUGHNUT, ChartData.counts(ENGLISH, List.of("a"))
                .series("x", List.of(2L)).series("y", List.of(2L)), TEXTS))
                .hasMessage("A doughnut shows one series; chart \"Mix\" has 2");
        assertThatThrownBy(() -> new ChartCard("c", "Empty", ChartType.BAR, ChartData.counts(ENGLISH, List.of("a")), TEXTS))
                .hasMessage("Chart \"Empty\" has no series to show");
    }

    private static void collectTexts(Element element, Set<String> texts) {
        if (element.isTextNode()) {
            if (!element.getText().isBlank()) {
                texts.add(element.getText());
            }
            return;
        }
        element.getChildren().forEach(child -> collectTexts(child, texts));
    }
}
