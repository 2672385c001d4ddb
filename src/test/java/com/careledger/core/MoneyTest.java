package com.careledger.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;

import org.junit.jupiter.api.Test;

class MoneyTest {

    @Test
    void rupeesAreGroupedTheIndianWay() {
        assertThat(Money.ofPaise(10_000_000L).display()).isEqualTo("₹1,00,000.00");
        assertThat(Money.ofPaise(1_234_567_890L).display()).isEqualTo("₹1,23,45,678.90");
        assertThat(Money.ofPaise(985_840L).display()).isEqualTo("₹9,858.40");
        assertThat(Money.ofPaise(100_000L).display()).isEqualTo("₹1,000.00");
        assertThat(Money.ofPaise(99_999L).display()).isEqualTo("₹999.99");
        assertThat(Money.ofPaise(5L).display()).isEqualTo("₹0.05");
        assertThat(Money.ofPaise(-5L).display()).isEqualTo("-₹0.05");
        assertThat(Money.ofPaise(Long.MIN_VALUE + 1).display()).isEqualTo("-₹92,23,37,20,36,85,47,758.07");
    }

    @Test
    void everyFormIsReachedFromTheAmountAndReadsTheSameDigitsInBothLanguages() {
        Locale english = Locale.forLanguageTag("en-IN");
        Locale hindi = Locale.forLanguageTag("hi-IN");
        Money amount = Money.ofPaise(12_345_650L);

        assertThat(amount.display(english)).isEqualTo("₹1,23,456.50").isEqualTo(amount.display(hindi))
                .isEqualTo(amount.display());
        assertThat(amount.compact(english)).isEqualTo("₹1.23\u00a0L");
        assertThat(amount.compact(hindi)).isEqualTo("₹1.23\u00a0लाख");
        assertThat(amount.inWords(english))
                .isEqualTo("Rupees one lakh twenty-three thousand four hundred fifty-six and fifty paise only");
        assertThat(amount.inWords(hindi)).isEqualTo("एक लाख तेईस हज़ार चार सौ छप्पन रुपये और पचास पैसे मात्र");
        assertThat(Money.ofPaise(Long.MIN_VALUE).display()).isEqualTo("-₹92,23,37,20,36,85,47,758.08");
    }
}
