package com.careledger.core.ui.chart;

import java.util.List;

/**
 * The colours of every chart: the Okabe–Ito palette, told apart by people with any common colour-vision deficiency.
 * Ordered so that the first series get the colours that also stand out from the white card (the pale yellow
 * comes late); after eight series the colours repeat, so a chart shows at most eight series or slices (a dashboard
 * folds the rest into one).
 */
public final class ChartPalette {

    /** Blue, orange, bluish green, vermillion, reddish purple, sky blue, yellow, black. */
    public static final List<String> COLOURS = List.of(
            "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000");

    /** Line series are told apart by shape too, not by colour alone. */
    static final List<String> POINT_STYLES = List.of(
            "circle", "rect", "triangle", "rectRot", "crossRot", "star", "rectRounded", "cross");

    private ChartPalette() {
    }

    /** The colour of the {@code index}-th series (or slice), from 0. */
    public static String colour(int index) {
        return COLOURS.get(index % COLOURS.size());
    }
}
