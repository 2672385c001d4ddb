package com.careledger.core.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.Locale;

import com.ibm.icu.text.SimpleDateFormat;
import com.ibm.icu.util.TimeZone;
import com.ibm.icu.util.ULocale;
import org.junit.jupiter.api.Test;

/** Dates and times in IST, in the fixed patterns of English (India) and Hindi. */
class DatesTest {

    private static final Locale ENGLISH = Locale.forLanguageTag("en-IN");
    private static final Locale HINDI = Locale.forLanguageTag("hi-IN");
    /** 13:00 UTC = 6:30 pm in India. */
    private static final Instant EVENING = Instant.parse("2026-12-05T13:00:00Z");

    @Test
    void momentsAreShownOnIndiasClockInBothLanguages() {
        assertThat(Dates.dateTime(EVENING, ENGLISH)).isEqualTo("5 Dec 2026, 6:30 pm");
        assertThat(Dates.dateTime(EVENING, HINDI)).isEqualTo("5 दिसंबर 2026, शाम 6:30");
        assertThat(Dates.time(EVENING, ENGLISH)).isEqualTo("6:30 pm");
        assertThat(Dates.time(EVENING, HINDI)).isEqualTo("शाम 6:30");
        // the offset a value carries does not matter: the same moment, the same text
        assertThat(Dates.dateTime(EVENING.atOffset(ZoneOffset.ofHours(-8)), ENGLISH)).isEqualTo("5 Dec 2026, 6:30 pm");
        assertThat(Dates.time(LocalTime.of(0, 5), ENGLISH)).isEqualTo("12:05 am");
        assertThat(Dates.time(LocalTime.of(12, 0), HINDI)).isEqualTo("दोपहर 12:00");
    }

    @Test
    void theDateIsIndiasDateNotTheServersOrUtcs() {
        // 18:30 UTC on 5 December is already 6 December in India
        Instant midnight = Instant.parse("2026-12-05T18:30:00Z");
        assertThat(Dates.date(midnight, ENGLISH)).isEqualTo("6 Dec 2026");
        assertThat(Dates.date(OffsetDateTime.parse("2026-12-05T18:29:59Z"), ENGLISH)).isEqualTo("5 Dec 2026");
        assertThat(Dates.today(Clock.fixed(midnight, ZoneOffset.UTC))).isEqualTo(LocalDate.of(2026, 12, 6));
    }

    @Test
    void datesAndMonthsReadNaturally() {
        assertThat(Dates.date(LocalDate.of(2026, 9, 5), ENGLISH)).isEqualTo("5 Sept 2026");
        assertThat(Dates.date(LocalDate.of(2026, 9, 5), HINDI)).isEqualTo("5 सितंबर 2026");
        assertThat(Dates.dayMonth(LocalDate.of(2027, 1, 31), ENGLISH)).isEqualTo("31 Jan");
        assertThat(Dates.dayMonth(LocalDate.of(2027, 1, 31), HINDI)).isEqualTo("31 जनवरी");
        assertThat(Dates.monthYear(YearMonth.of(2027, 2), ENGLISH)).isEqualTo("Feb 2027");
        assertThat(Dates.monthYear(YearMonth.of(2027, 2), HINDI)).isEqualTo("फ़रवरी 2027");
        assertThat(Dates.date(LocalDate.of(2026, 5, 5), Locale.forLanguageTag("en-US"))).isEqualTo("5 May 2026");
    }

    @Test
    void hindiTimesOfDayAreIcusForEveryMinuteOfTheDay() {
        SimpleDateFormat icu = new SimpleDateFormat("B h:mm", new ULocale("hi_IN"));
        icu.setTimeZone(TimeZone.getTimeZone("Asia/Kolkata"));
        Instant start = Instant.parse("2026-12-04T18:30:00Z"); // midnight in India
        for (int minute = 0; minute < 24 * 60; minute++) {
            Instant moment = start.plusSeconds(minute * 60L);
            assertThat(Dates.time(moment, HINDI)).as("minute %d", minute)
                    .isEqualTo(icu.format(Date.from(moment)));
        }
        assertThat(Dates.time(start.plusSeconds(15 * 3600 + 59 * 60), HINDI)).isEqualTo("दोपहर 3:59");
        assertThat(Dates.time(start.plusSeconds(16 * 3600), HINDI)).isEqualTo("शाम 4:00");
    }
}
