package com.careledger.core.ui.chart;

/** The charts dashboards draw. */
public enum ChartType {
    /** Columns per category, one per series side by side. */
    BAR,
    /** Columns per category, the series stacked: parts of a whole per category (cash and online). */
    STACKED_BAR,
    /** Bars along the width: long category names on a phone. */
    HORIZONTAL_BAR,
    /** A value over time; each series its own colour and point shape. */
    LINE,
    /** Shares of one whole: one series, no negative values. */
    DOUGHNUT
}
