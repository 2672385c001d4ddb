package com.careledger.core.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.text.Normalizer;
import java.util.Locale;

import org.junit.jupiter.api.Test;

/** The compact form of dashboards: its thresholds, its rounding and its two languages. */
class AmountsTest {

    private static final Locale ENGLISH = Locale.forLanguageTag("en-IN");
    private static final Locale HINDI = Locale.forLanguageTag("hi-IN");

    @Test
    void belowALakhTheCompactFormIsTheExactAmountWithPaiseOnlyWhenThereAreSome() {
        assertThat(Amounts.compact(0, ENGLISH)).isEqualTo("₹0");
        assertThat(Amounts.compact(5, ENGLISH)).isEqualTo("₹0.05");
        assertThat(Amounts.compact(4_567_800, ENGLISH)).isEqualTo("₹45,678");
        assertThat(Amounts.compact(99_950, HINDI)).isEqualTo("₹999.50");
        assertThat(Amounts.compact(9_999_999, ENGLISH)).isEqualTo("₹99,999.99");
        assertThat(Amounts.compact(-4_567_800, ENGLISH)).isEqualTo("-₹45,678");
    }

    @Test
    void fromALakhItIsLakhsThenCroresWithTwoDecimalsRoundedHalfUp() {
        assertThat(Amounts.compact(10_000_000, ENGLISH)).isEqualTo("₹1.00\u00a0L");
        assertThat(Amounts.compact(12_345_600, ENGLISH)).isEqualTo("₹1.23\u00a0L");
        // ₹1,23,500 is 1.235 lakh: half up
        assertThat(Amounts.compact(12_350_000, ENGLISH)).isEqualTo("₹1.24\u00a0L");
        assertThat(Amounts.compact(12_349_999, ENGLISH)).isEqualTo("₹1.23\u00a0L");
        assertThat(Amounts.compact(999_949_999, ENGLISH)).isEqualTo("₹99.99\u00a0L");
        // 99.995 lakh would read "100.00\u00a0L": it is a crore
        assertThat(Amounts.compact(999_950_000, ENGLISH)).isEqualTo("₹1.00\u00a0Cr");
        assertThat(Amounts.compact(4_560_000_000L, ENGLISH)).isEqualTo("₹4.56\u00a0Cr");
        assertThat(Amounts.compact(123_456_789_000_000L, ENGLISH)).isEqualTo("₹1,23,456.79\u00a0Cr");
        assertThat(Amounts.compact(-12_345_600, ENGLISH)).isEqualTo("-₹1.23\u00a0L");
        assertThat(Amounts.compact(Long.MIN_VALUE, ENGLISH)).isEqualTo("-₹9,22,33,72,036.85\u00a0Cr");
    }

    @Test
    void hindiNamesTheUnitsAndKeepsTheDigits() {
        assertThat(Amounts.compact(12_345_600, HINDI)).isEqualTo("₹1.23\u00a0लाख");
        assertThat(Amounts.compact(4_560_000_000L, HINDI)).isEqualTo("₹4.56\u00a0करोड़");
        // any Hindi locale, and the text in composed form: ड़ as ड + nukta, as ICU and NFC write it
        assertThat(Amounts.compact(4_560_000_000L, Locale.forLanguageTag("hi")))
                .isEqualTo("₹4.56\u00a0करोड़")
                .satisfies(text -> assertThat(Normalizer.isNormalized(text, Normalizer.Form.NFC)).isTrue());
        // any other language is English (India)
        assertThat(Amounts.compact(12_345_600, Locale.GERMANY)).isEqualTo("₹1.23\u00a0L");
    }

    @Test
    void theUnitStaysOnTheLineOfItsFigure() {
        assertThat(Amounts.compact(12_345_600, ENGLISH)).contains("\u00a0").doesNotContain(" ");
    }
}
