package com.careledger.core.ui.chart;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.careledger.core.Money;
import com.careledger.core.format.Numbers;

/**
 * What a chart shows: named categories (already in the reader's language: "5 Dec", "Cash"), and one or more named
 * series of whole values, one per category, either amounts in paise or counts. Immutable: {@link #series} returns a
 * copy with one more series.
 *
 * <pre>{@code
 * ChartData data = ChartData.money(locale, List.of("1 Dec", "2 Dec"))
 *         .series("Cash", List.of(1_250_000L, 980_000L))
 *         .series("Online", List.of(3_400_000L, 2_100_000L));
 * }</pre>
 *
 * Values are shown by {@link Money} (exact in the table and tooltips, compact on axes and bars) or grouped the
 * Indian way ({@link Numbers}); the browser shows no number it formatted itself.
 */
public record ChartData(Unit unit, Locale locale, List<String> categories, List<Series> series) {

    /** The largest value a chart carries: the browser holds numbers as doubles, exact up to 2^53. */
    public static final long MAX_VALUE = (1L << 53) - 1;

    /** What the values are. */
    public enum Unit {
        /** Amounts in paise. */
        MONEY,
        /** Counts of things (bills, patients). */
        COUNT
    }

    /** One named series, a value per category. */
    public record Series(String name, List<Long> values) {
        public Series {
            values = List.copyOf(values);
        }
    }

    public ChartData {
        categories = List.copyOf(categories);
        series = List.copyOf(series);
        for (Series s : series) {
            if (s.values().size() != categories.size()) {
                throw new IllegalArgumentException("Series \"" + s.name() + "\" has " + s.values().size()
                        + " values for " + categories.size() + " categories: one value per category");
            }
            for (long value : s.values()) {
                if (Math.abs(value) > MAX_VALUE) {
                    throw new IllegalArgumentException("Series \"" + s.name() + "\" holds " + value
                            + ", beyond the ±2^53 a chart can show exactly");
                }
            }
        }
    }

    /** Amounts in paise over these categories; add the series with {@link #series}. */
    public static ChartData money(Locale locale, List<String> categories) {
        return new ChartData(Unit.MONEY, locale, categories, List.of());
    }

    /** Counts over these categories; add the series with {@link #series}. */
    public static ChartData counts(Locale locale, List<String> categories) {
        return new ChartData(Unit.COUNT, locale, categories, List.of());
    }

    /** This data with one more series. */
    public ChartData series(String name, List<Long> values) {
        List<Series> more = new ArrayList<>(series);
        more.add(new Series(name, values));
        return new ChartData(unit, locale, categories, more);
    }

    /** A value exactly, for the table and the tooltips: "₹1,23,456.50", "1,234". */
    public String exact(long value) {
        return unit == Unit.MONEY ? Money.ofPaise(value).display(locale) : Numbers.grouped(value);
    }

    /** A value in short, for axes and labels on bars: "₹1.23 L", "1,234". */
    public String compact(long value) {
        return unit == Unit.MONEY ? Money.ofPaise(value).compact(locale) : Numbers.grouped(value);
    }
}
