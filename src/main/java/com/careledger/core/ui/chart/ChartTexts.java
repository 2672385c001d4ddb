package com.careledger.core.ui.chart;

/**
 * The words a {@link ChartCard} shows besides the data, already in the reader's language: the chart API holds no
 * text of its own.
 *
 * @param tableToggle    the toggle button's label ("Show as table"); it stays the same while pressed, since
 *                       {@code aria-pressed} says whether the table is shown
 * @param categoryHeader the header of the table's first column, the categories ("Day", "Payment method")
 */
public record ChartTexts(String tableToggle, String categoryHeader) {
}
