package com.careledger.core.ui.chart;

import java.util.List;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Chart.js configuration of a {@link ChartCard}, as the {@code <careledger-chart>} element receives it. Besides
 * Chart.js's own keys it carries, under {@code careledger}, the texts the browser shows for the numbers, all made
 * here by {@link ChartData#exact} and {@link ChartData#compact}:
 * <ul>
 *   <li>{@code valueAxis} ("x" or "y") and {@code ticks}: the label of every tick of the value axis, keyed by its
 *       value. The axis runs over whole steps of 1, 2 or 5 times a power of ten (at least ₹1 or one), from zero or the
 *       lowest value to the highest, about five steps, so its ticks are known here;</li>
 *   <li>{@code tooltips}: per series, per category, the exact value;</li>
 *   <li>{@code valueLabels}: per series, per category, the compact value the browser writes on the bar or slice when
 *       it fits there (null for lines: their points crowd).</li>
 * </ul>
 * Animation is always off: a dashboard's figures are there as soon as it is, and tests see the final picture.
 */
final class ChartConfig {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    /** Intervals the value axis is divided into, at most (and usually). */
    private static final int STEPS = 5;

    private ChartConfig() {
    }

    /** The value axis: from {@code min} to {@code max} in steps of {@code step}, all whole. */
    record Scale(long min, long max, long step) {
    }

    static String json(ChartType type, ChartData data) {
        ObjectNode config = JSON.objectNode();
        config.put("type", switch (type) {
            case BAR, STACKED_BAR, HORIZONTAL_BAR -> "bar";
            case LINE -> "line";
            case DOUGHNUT -> "doughnut";
        });
        ObjectNode chartData = config.putObject("data");
        ArrayNode labels = chartData.putArray("labels");
        data.categories().forEach(labels::add);
        ArrayNode datasets = chartData.putArray("datasets");
        for (int s = 0; s < data.series().size(); s++) {
            datasets.add(dataset(type, data, s));
        }

        ObjectNode options = config.putObject("options");
        options.put("responsive", true);
        options.put("maintainAspectRatio", false);
        options.put("animation", false);
        ObjectNode plugins = options.putObject("plugins");
        plugins.putObject("title").put("display", false); // the card's heading names the chart
        plugins.putObject("legend").put("display", type == ChartType.DOUGHNUT || data.series().size() > 1)
                .put("position", "bottom");

        ObjectNode extension = config.putObject("careledger");
        if (type != ChartType.DOUGHNUT) {
            String valueAxis = type == ChartType.HORIZONTAL_BAR ? "x" : "y";
            String categoryAxis = type == ChartType.HORIZONTAL_BAR ? "y" : "x";
            if (type == ChartType.HORIZONTAL_BAR) {
                options.put("indexAxis", "y");
            }
            options.putObject("interaction").put("mode", "index").put("intersect", false);
            Scale scale = scale(type, data);
            ObjectNode scales = options.putObject("scales");
            ObjectNode category = scales.putObject(categoryAxis);
            category.putObject("grid").put("display", false);
            ObjectNode value = scales.putObject(valueAxis);
            value.put("min", scale.min()).put("max", scale.max());
            value.putObject("ticks").put("stepSize", scale.step());
            if (type == ChartType.STACKED_BAR) {
                category.put("stacked", true);
                value.put("stacked", true);
            }
            extension.put("valueAxis", valueAxis);
            ObjectNode ticks = extension.putObject("ticks");
            for (long tick = scale.min(); tick <= scale.max(); tick += scale.step()) {
                ticks.put(Long.toString(tick), data.compact(tick));
            }
        }
        ArrayNode tooltips = extension.putArray("tooltips");
        ArrayNode valueLabels = extension.putArray("valueLabels");
        for (ChartData.Series series : data.series()) {
            ArrayNode exact = tooltips.addArray();
            series.values().forEach(v -> exact.add(data.exact(v)));
            if (type == ChartType.LINE) {
                valueLabels.addNull();
            } else {
                ArrayNode compact = valueLabels.addArray();
                series.values().forEach(v -> compact.add(data.compact(v)));
            }
        }
        return config.toString();
    }

    private static ObjectNode dataset(ChartType type, ChartData data, int index) {
        ChartData.Series series = data.series().get(index);
        ObjectNode dataset = JSON.objectNode();
        dataset.put("label", series.name());
        ArrayNode values = dataset.putArray("data");
        series.values().forEach(values::add);
        switch (type) {
            case DOUGHNUT -> {
                ArrayNode colours = dataset.putArray("backgroundColor");
                for (int c = 0; c < data.categories().size(); c++) {
                    colours.add(ChartPalette.colour(c));
                }
                // white gaps between the slices: neighbours never touch colour to colour
                dataset.put("borderColor", "#ffffff").put("borderWidth", 2);
            }
            case LINE -> dataset.put("borderColor", ChartPalette.colour(index))
                    .put("backgroundColor", ChartPalette.colour(index))
                    .put("pointStyle", ChartPalette.POINT_STYLES.get(index % ChartPalette.POINT_STYLES.size()))
                    .put("pointRadius", 4)
                    .put("borderWidth", 2)
                    .put("fill", false);
            default -> dataset.put("backgroundColor", ChartPalette.colour(index))
                    .put("borderColor", ChartPalette.colour(index))
                    .put("maxBarThickness", 56);
        }
        return dataset;
    }

    /** A value axis that holds every value (every stack's top and bottom, when stacked) and zero. */
    static Scale scale(ChartType type, ChartData data) {
        long low = 0;
        long high = 0;
        List<ChartData.Series> series = data.series();
        for (int c = 0; c < data.categories().size(); c++) {
            long below = 0;
            long above = 0;
            for (ChartData.Series s : series) {
                long v = s.values().get(c);
                if (type == ChartType.STACKED_BAR) {
                    if (v < 0) {
                        below += v;
                    } else {
                        above += v;
                    }
                } else {
                    below = Math.min(below, v);
                    above = Math.max(above, v);
                }
            }
            low = Math.min(low, below);
            high = Math.max(high, above);
        }
        long smallest = data.unit() == ChartData.Unit.MONEY ? 100 : 1; // ₹1, or one
        if (low == high) {
            return new Scale(0, STEPS * smallest, smallest);
        }
        long raw = Math.ceilDiv(high - low, STEPS);
        long step = smallest;
        outer:
        for (long magnitude = smallest; ; magnitude *= 10) {
            for (long multiple : new long[] {1, 2, 5}) {
                if (multiple * magnitude >= raw) {
                    step = multiple * magnitude;
                    break outer;
                }
            }
        }
        return new Scale(Math.floorDiv(low, step) * step, Math.ceilDiv(high, step) * step, step);
    }
}
