package com.careledger.core.ui.chart;

import java.util.ArrayList;
import java.util.List;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.NativeTable;
import com.vaadin.flow.component.html.NativeTableBody;
import com.vaadin.flow.component.html.NativeTableCell;
import com.vaadin.flow.component.html.NativeTableHeaderCell;
import com.vaadin.flow.component.html.NativeTableRow;
import com.vaadin.flow.component.html.Section;

/**
 * A chart every reader can read: a heading, the chart (Chart.js, see {@link ChartConfig}), and a toggle button that
 * shows the same figures as an HTML table for screen readers, keyboard users and anyone who wants the exact amounts.
 *
 * <pre>{@code
 * ChartCard card = new ChartCard("collections", getTranslation("dashboard.collections"), ChartType.STACKED_BAR,
 *         ChartData.money(locale, days).series(cash, cashPaise).series(online, onlinePaise),
 *         new ChartTexts(getTranslation("chart.table"), getTranslation("dashboard.day")));
 * }</pre>
 *
 * <ul>
 *   <li>ids: the card is {@code id}, its heading {@code id-title}, the chart {@code id-chart}, the table
 *       {@code id-table};</li>
 *   <li>the toggle is a button (reached with Tab, pressed with Enter or Space) with {@code aria-pressed} and
 *       {@code aria-controls} naming the table; the table is in the page from the start, {@code hidden} until
 *       pressed, with a caption (the title), column headers (the category header, then the series' names) and a
 *       row header per category; values exact (₹1,23,456.50) and aligned right;</li>
 *   <li>the canvas is an image whose {@code aria-label} summarises the chart: the caller's {@link #setSummary}, else
 *       the title followed by every value when there are at most {@value #SPOKEN_VALUES} of them
 *       ("Collections: 1 Dec ₹12,500.00, 2 Dec ₹9,800.00"); past that the title (the table has the rest);</li>
 *   <li>sizing: the card fills its container's width and the chart is as high as the style sheet says
 *       ({@code .chart-card careledger-chart}: 18rem, 15rem below 480 px wide); Chart.js follows the box.</li>
 * </ul>
 */
public class ChartCard extends Section {

    /** Up to this many values are read out in the canvas's label. */
    static final int SPOKEN_VALUES = 12;

    private final String title;
    private final ChartData data;
    private final ChartJs chart = new ChartJs();
    private final Button toggle;
    private final NativeTable table = new NativeTable();
    /** The table's box: hidden with it, scrolled on a narrow screen. */
    private final Div scroller = new Div(table);

    public ChartCard(String id, String title, ChartType type, ChartData data, ChartTexts texts) {
        if (data.series().isEmpty()) {
            throw new IllegalArgumentException("Chart \"" + title + "\" has no series to show");
        }
        if (type == ChartType.DOUGHNUT && data.series().size() != 1) {
            throw new IllegalArgumentException("A doughnut shows one series; chart \"" + title + "\" has "
                    + data.series().size());
        }
        if (type == ChartType.DOUGHNUT && data.series().getFirst().values().stream().anyMatch(v -> v < 0)) {
            throw new IllegalArgumentException("A doughnut shows shares of a whole; chart \"" + title
                    + "\" has a negative value");
        }
        this.title = title;
        this.data = data;
        setId(id);
        addClassName("chart-card");

        H2 heading = new H2(title);
        heading.setId(id + "-title");
        toggle = new Button(texts.tableToggle(), e -> setTableShown(!isTableShown()));
        toggle.setId(id + "-toggle");
        toggle.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_SMALL);
        toggle.getElement().setAttribute("aria-controls", id + "-table");
        Div header = new Div(heading, toggle);
        header.addClassName("chart-card-header");

        chart.setId(id + "-chart");
        // the style sheet sizes the chart: no fixed height of the element's own
        chart.setHeight(null);
        chart.getElement().setAttribute("aria-label", summary(null));
        chart.setConfigJson(ChartConfig.json(type, data));

        table.setId(id + "-table");
        table.addClassName("chart-card-table");
        fillTable(texts.categoryHeader());
        // a wide table scrolls inside the card on a phone; the scrolling box can take the focus to be scrolled
        scroller.addClassName("chart-card-table-scroller");
        scroller.getElement().setAttribute("tabindex", "0");
        scroller.getElement().setAttribute("role", "region");
        scroller.getElement().setAttribute("aria-labelledby", id + "-title");
        setTableShown(false);

        add(header, chart, scroller);
    }

    /** Replaces the canvas's label with the caller's own summary (already translated). */
    public void setSummary(String summary) {
        chart.getElement().setAttribute("aria-label", summary(summary));
    }

    /** Shows or hides the table, as the toggle does. */
    public void setTableShown(boolean shown) {
        scroller.getElement().setAttribute("hidden", !shown);
        toggle.getElement().setAttribute("aria-pressed", Boolean.toString(shown));
    }

    public boolean isTableShown() {
        return !scroller.getElement().hasAttribute("hidden");
    }

    public ChartJs getChart() {
        return chart;
    }

    public Button getToggle() {
        return toggle;
    }

    public NativeTable getTable() {
        return table;
    }

    /** The table's cells as text, row by row, the header row first. */
    public List<List<String>> getTableText() {
        List<List<String>> rows = new ArrayList<>();
        List<NativeTableRow> all = new ArrayList<>(table.getHead().getRows());
        all.addAll(table.getBody().getRows());
        for (NativeTableRow row : all) {
            rows.add(row.getAllCells().stream().map(cell -> cell.getElement().getText()).toList());
        }
        return rows;
    }

    private void fillTable(String categoryHeader) {
        table.setCaptionText(title);
        NativeTableRow head = table.getHead().addRow();
        head.add(columnHeader(categoryHeader));
        for (ChartData.Series series : data.series()) {
            head.add(columnHeader(series.name()));
        }
        NativeTableBody body = table.getBody();
        for (int c = 0; c < data.categories().size(); c++) {
            NativeTableRow row = body.addRow();
            NativeTableHeaderCell category = new NativeTableHeaderCell(data.categories().get(c));
            category.getElement().setAttribute("scope", "row");
            row.add(category);
            for (ChartData.Series series : data.series()) {
                NativeTableCell value = new NativeTableCell(data.exact(series.values().get(c)));
                value.addClassName("number");
                row.add(value);
            }
        }
    }

    private static NativeTableHeaderCell columnHeader(String text) {
        NativeTableHeaderCell cell = new NativeTableHeaderCell(text);
        cell.getElement().setAttribute("scope", "col");
        return cell;
    }

    /** The canvas's label: the caller's summary, or the title with the values when they are few. */
    private String summary(String given) {
        if (given != null) {
            return given;
        }
        int values = data.series().size() * data.categories().size();
        if (values == 0 || values > SPOKEN_VALUES) {
            return title;
        }
        List<String> parts = new ArrayList<>();
        for (ChartData.Series series : data.series()) {
            List<String> points = new ArrayList<>();
            for (int c = 0; c < data.categories().size(); c++) {
                points.add(data.categories().get(c) + " " + data.exact(series.values().get(c)));
            }
            parts.add((data.series().size() > 1 ? series.name() + ": " : "") + String.join(", ", points));
        }
        return title + ": " + String.join("; ", parts);
    }
}
