package com.careledger.core.ui.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** The Chart.js configuration a card hands the browser: its data, look, value axis and the texts of its numbers. */
class ChartConfigTest {

    private static final Locale ENGLISH = Locale.forLanguageTag("en-IN");
    private static final Locale HINDI = Locale.forLanguageTag("hi-IN");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final ChartData COLLECTIONS = ChartData.money(ENGLISH, List.of("1 Dec", "2 Dec", "3 Dec"))
            .series("Cash", List.of(1_250_000L, 980_050L, 0L))
            .series("Online", List.of(12_345_650L, 2_100_000L, 450_000L));

    @Test
    void aBarChartCarriesPaiseAndTheTextsOfEveryNumber() {
        JsonNode config = config(ChartType.BAR, COLLECTIONS);

        assertThat(config.path("type").asString()).isEqualTo("bar");
        assertThat(strings(config.path("data").path("labels"))).containsExactly("1 Dec", "2 Dec", "3 Dec");
        JsonNode cash = config.path("data").path("datasets").get(0);
        assertThat(cash.path("label").asString()).isEqualTo("Cash");
        assertThat(longs(cash.path("data"))).containsExactly(1_250_000L, 980_050L, 0L);
        assertThat(cash.path("backgroundColor").asString()).isEqualTo("#0072B2");
        assertThat(config.path("data").path("datasets").get(1).path("backgroundColor").asString()).isEqualTo("#E69F00");

        JsonNode options = config.path("options");
        assertThat(options.path("animation").asBoolean(true)).isFalse();
        assertThat(options.path("responsive").asBoolean()).isTrue();
        assertThat(options.path("maintainAspectRatio").asBoolean(true)).isFalse();
        assertThat(options.path("plugins").path("legend").path("display").asBoolean()).isTrue();

        JsonNode extension = config.path("careledger");
        assertThat(strings(extension.path("tooltips").get(0))).containsExactly("₹12,500.00", "₹9,800.50", "₹0.00");
        assertThat(strings(extension.path("tooltips").get(1))).containsExactly("₹1,23,456.50", "₹21,000.00", "₹4,500.00");
        assertThat(strings(extension.path("valueLabels").get(1))).containsExactly("₹1.23\u00a0L", "₹21,000", "₹4,500");
    }

    @Test
    void theValueAxisRunsInRoundStepsAndEveryTickIsLabelledByMoney() {
        JsonNode config = config(ChartType.BAR, COLLECTIONS);
        JsonNode y = config.path("options").path("scales").path("y");

        // highest ₹1,23,456.50: a fifth of it is ₹24,691.30, the next round step ₹50,000, up to ₹1,50,000
        assertThat(y.path("min").asLong()).isZero();
        assertThat(y.path("max").asLong()).isEqualTo(15_000_000L);
        assertThat(y.path("ticks").path("stepSize").asLong()).isEqualTo(5_000_000L);
        assertThat(config.path("careledger").path("valueAxis").asString()).isEqualTo("y");
        JsonNode ticks = config.path("careledger").path("ticks");
        assertThat(ticks.propertyNames()).containsExactly("0", "5000000", "10000000", "15000000");
        assertThat(strings(ticks)).containsExactly("₹0", "₹50,000", "₹1.00\u00a0L", "₹1.50\u00a0L");

        JsonNode hindi = config(ChartType.BAR, ChartData.money(HINDI, List.of("नकद"))
                .series("संग्रह", List.of(4_560_000_000L)));
        assertThat(hindi.path("careledger").path("ticks").path("5000000000").asString()).isEqualTo("₹5.00\u00a0करोड़");
    }

    @Test
    void theScaleHoldsStacksNegativesAndNothing() {
        ChartData stacked = ChartData.money(ENGLISH, List.of("a", "b"))
                .series("x", List.of(6_000_00L, 1_000_00L)).series("y", List.of(5_000_00L, -3_000_00L));
        // stacked: 11,000 on top, -3,000 below
        assertThat(ChartConfig.scale(ChartType.STACKED_BAR, stacked)).isEqualTo(new ChartConfig.Scale(-500_000, 1_500_000, 500_000));
        assertThat(ChartConfig.scale(ChartType.BAR, stacked)).isEqualTo(new ChartConfig.Scale(-400_000, 600_000, 200_000));
        ChartData none = ChartData.counts(ENGLISH, List.of("a")).series("x", List.of(0L));
        assertThat(ChartConfig.scale(ChartType.BAR, none)).isEqualTo(new ChartConfig.Scale(0, 5, 1));
        ChartData few = ChartData.counts(ENGLISH, List.of("a", "b")).series("x", List.of(3L, 1L));
        assertThat(ChartConfig.scale(ChartType.LINE, few)).isEqualTo(new ChartConfig.Scale(0, 3, 1));
        ChartData pennies = ChartData.money(ENGLISH, List.of("a")).series("x", List.of(50L));
        assertThat(ChartConfig.scale(ChartType.BAR, pennies)).isEqualTo(new ChartConfig.Scale(0, 100, 100));

        JsonNode config = config(ChartType.STACKED_BAR, stacked);
        assertThat(config.path("options").path("scales").path("x").path("stacked").asBoolean()).isTrue();
        assertThat(config.path("options").path("scales").path("y").path("stacked").asBoolean()).isTrue();
        assertThat(config.path("careledger").path("ticks").path("-500000").asString()).isEqualTo("-₹5,000");
    }

    @Test
    void horizontalBarsPutTheValuesAlongTheWidth() {
        JsonNode config = config(ChartType.HORIZONTAL_BAR, COLLECTIONS);
        assertThat(config.path("options").path("indexAxis").asString()).isEqualTo("y");
        assertThat(config.path("careledger").path("valueAxis").asString()).isEqualTo("x");
        assertThat(config.path("options").path("scales").path("x").path("max").asLong()).isEqualTo(15_000_000L);
    }

    @Test
    void linesAreToldApartByShapeAndCarryNoValueLabels() {
        JsonNode config = config(ChartType.LINE, COLLECTIONS);
        assertThat(config.path("type").asString()).isEqualTo("line");
        JsonNode datasets = config.path("data").path("datasets");
        assertThat(datasets.get(0).path("pointStyle").asString()).isNotEqualTo(datasets.get(1).path("pointStyle").asString());
        assertThat(datasets.get(1).path("borderColor").asString()).isEqualTo("#E69F00");
        assertThat(config.path("careledger").path("valueLabels").get(0).isNull()).isTrue();
        assertThat(config.path("careledger").path("tooltips").get(0).size()).isEqualTo(3);
    }

    @Test
    void aDoughnutColoursEverySliceAndHasNoAxes() {
        ChartData methods = ChartData.counts(ENGLISH, List.of("UPI", "Card", "Cash")).series("Payments", List.of(1_234L, 56L, 789L));
        JsonNode config = config(ChartType.DOUGHNUT, methods);
        assertThat(config.path("type").asString()).isEqualTo("doughnut");
        assertThat(strings(config.path("data").path("datasets").get(0).path("backgroundColor")))
                .containsExactly("#0072B2", "#E69F00", "#009E73");
        assertThat(config.path("options").has("scales")).isFalse();
        assertThat(config.path("careledger").has("ticks")).isFalse();
        assertThat(config.path("options").path("plugins").path("legend").path("display").asBoolean()).isTrue();
        assertThat(strings(config.path("careledger").path("valueLabels").get(0))).containsExactly("1,234", "56", "789");
    }

    private static JsonNode config(ChartType type, ChartData data) {
        return JSON.readTree(ChartConfig.json(type, data));
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.asString()));
        return values;
    }

    private static List<Long> longs(JsonNode array) {
        List<Long> values = new ArrayList<>();
        array.forEach(node -> values.add(node.asLong()));
        return values;
    }
}
