package com.careledger.core.format;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.SignStyle;
import java.time.temporal.ChronoField;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import com.careledger.core.i18n.Language;
import com.ibm.icu.text.DateFormatSymbols;
import com.ibm.icu.text.SimpleDateFormat;
import com.ibm.icu.util.TimeZone;
import com.ibm.icu.util.ULocale;

/**
 * Dates and times as people in India read them: every moment in IST (Asia/Kolkata), whatever the server's zone, in
 * fixed patterns with digits 0-9.
 * <table>
 *   <caption>The patterns</caption>
 *   <tr><th></th><th>English (India)</th><th>Hindi</th></tr>
 *   <tr><td>{@link #date}</td><td>5 Dec 2026</td><td>5 दिसंबर 2026</td></tr>
 *   <tr><td>{@link #time}</td><td>6:30 pm</td><td>शाम 6:30</td></tr>
 *   <tr><td>{@link #dateTime}</td><td>5 Dec 2026, 6:30 pm</td><td>5 दिसंबर 2026, शाम 6:30</td></tr>
 *   <tr><td>{@link #dayMonth}</td><td>5 Dec</td><td>5 दिसंबर</td></tr>
 *   <tr><td>{@link #monthYear}</td><td>Dec 2026</td><td>दिसंबर 2026</td></tr>
 * </table>
 * The month names and the Hindi times of day (सुबह from 4:00, दोपहर from 12:00, शाम from 16:00, रात from 20:00) come
 * from ICU4J's data, so every JDK writes the same text; English keeps CLDR's Indian abbreviations ("Sept"), Hindi
 * writes months in full (its abbreviations, "दिस॰", read as clipped). English writes "am"/"pm" in lower case.
 */
public final class Dates {

    /** India Standard Time: the zone of every date and time the portal shows. */
    public static final ZoneId IST = ZoneId.of("Asia/Kolkata");

    private static final Patterns ENGLISH = english();
    private static final Patterns HINDI = hindi();

    private Dates() {
    }

    /** Today's date in India by the given clock. */
    public static LocalDate today(Clock clock) {
        return LocalDate.now(clock.withZone(IST));
    }

    /** The moment on India's clock. */
    public static ZonedDateTime inIst(Instant instant) {
        return instant.atZone(IST);
    }

    public static String date(LocalDate date, Locale locale) {
        return patterns(locale).date.format(date);
    }

    /** The date in India at that moment. */
    public static String date(Instant instant, Locale locale) {
        return patterns(locale).date.format(inIst(instant));
    }

    /** The date in India at that moment, whatever the offset it carries. */
    public static String date(OffsetDateTime moment, Locale locale) {
        return date(moment.toInstant(), locale);
    }

    public static String dateTime(Instant instant, Locale locale) {
        return patterns(locale).dateTime.format(inIst(instant));
    }

    public static String dateTime(OffsetDateTime moment, Locale locale) {
        return dateTime(moment.toInstant(), locale);
    }

    public static String time(Instant instant, Locale locale) {
        return patterns(locale).time.format(inIst(instant));
    }

    public static String time(OffsetDateTime moment, Locale locale) {
        return time(moment.toInstant(), locale);
    }

    /** A time of day already on India's clock (an appointment slot). */
    public static String time(LocalTime time, Locale locale) {
        return patterns(locale).time.format(time);
    }

    /** Day and month, for the axis of a daily chart. */
    public static String dayMonth(LocalDate date, Locale locale) {
        return patterns(locale).dayMonth.format(date);
    }

    /** Month and year, for monthly figures. */
    public static String monthYear(YearMonth month, Locale locale) {
        return patterns(locale).monthYear.format(month);
    }

    private static Patterns patterns(Locale locale) {
        return Language.of(locale) == Language.HINDI ? HINDI : ENGLISH;
    }

    private record Patterns(DateTimeFormatter date, DateTimeFormatter time, DateTimeFormatter dateTime,
                            DateTimeFormatter dayMonth, DateTimeFormatter monthYear) {
    }

    private static Patterns english() {
        Map<Long, String> months = months("en_IN", DateFormatSymbols.ABBREVIATED);
        DateTimeFormatter time = twelveHour().appendLiteral(' ')
                .appendText(ChronoField.AMPM_OF_DAY, Map.of(0L, "am", 1L, "pm")).toFormatter(Locale.ROOT);
        return patterns(months, time);
    }

    private static Patterns hindi() {
        DateTimeFormatter time = new DateTimeFormatterBuilder().appendText(ChronoField.HOUR_OF_DAY, hindiTimesOfDay())
                .appendLiteral(' ').append(twelveHour().toFormatter(Locale.ROOT)).toFormatter(Locale.ROOT);
        return patterns(months("hi_IN", DateFormatSymbols.WIDE), time);
    }

    private static Patterns patterns(Map<Long, String> months, DateTimeFormatter time) {
        DateTimeFormatter date = day(months).appendLiteral(' ')
                .appendValue(ChronoField.YEAR, 4, 10, SignStyle.EXCEEDS_PAD).toFormatter(Locale.ROOT);
        DateTimeFormatter monthYear = new DateTimeFormatterBuilder().appendText(ChronoField.MONTH_OF_YEAR, months)
                .appendLiteral(' ').appendValue(ChronoField.YEAR, 4, 10, SignStyle.EXCEEDS_PAD).toFormatter(Locale.ROOT);
        return new Patterns(date, time,
                new DateTimeFormatterBuilder().append(date).appendLiteral(", ").append(time).toFormatter(Locale.ROOT),
                day(months).toFormatter(Locale.ROOT), monthYear);
    }

    /** "5 Dec": the day without padding, then the month's name. */
    private static DateTimeFormatterBuilder day(Map<Long, String> months) {
        return new DateTimeFormatterBuilder().appendValue(ChronoField.DAY_OF_MONTH).appendLiteral(' ')
                .appendText(ChronoField.MONTH_OF_YEAR, months);
    }

    /** "6:30": hours 1-12 without padding, minutes in two digits. */
    private static DateTimeFormatterBuilder twelveHour() {
        return new DateTimeFormatterBuilder().appendValue(ChronoField.CLOCK_HOUR_OF_AMPM).appendLiteral(':')
                .appendValue(ChronoField.MINUTE_OF_HOUR, 2);
    }

    private static Map<Long, String> months(String locale, int width) {
        String[] names = new DateFormatSymbols(new ULocale(locale)).getMonths(DateFormatSymbols.FORMAT, width);
        Map<Long, String> months = new HashMap<>();
        for (int month = 1; month <= 12; month++) {
            months.put((long) month, names[month - 1]);
        }
        return months;
    }

    /** ICU's Hindi time of day ("B") for each hour: its periods begin on the hour. */
    private static Map<Long, String> hindiTimesOfDay() {
        SimpleDateFormat period = new SimpleDateFormat("B", new ULocale("hi_IN"));
        period.setTimeZone(TimeZone.GMT_ZONE);
        Map<Long, String> periods = new HashMap<>();
        for (int hour = 0; hour < 24; hour++) {
            periods.put((long) hour, period.format(new java.util.Date((hour * 60L + 30) * 60_000L)));
        }
        return periods;
    }
}
