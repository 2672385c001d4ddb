package com.careledger.core.format;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NumbersTest {

    @Test
    void countsAreGroupedTheIndianWayWithEveryDigitKept() {
        assertThat(Numbers.grouped(0)).isEqualTo("0");
        assertThat(Numbers.grouped(999)).isEqualTo("999");
        assertThat(Numbers.grouped(1_000)).isEqualTo("1,000");
        assertThat(Numbers.grouped(99_999)).isEqualTo("99,999");
        assertThat(Numbers.grouped(1_00_000)).isEqualTo("1,00,000");
        assertThat(Numbers.grouped(12_345_678)).isEqualTo("1,23,45,678");
        assertThat(Numbers.grouped(-1_000)).isEqualTo("-1,000");
        assertThat(Numbers.grouped(Long.MAX_VALUE)).isEqualTo("92,23,37,20,36,85,47,75,807");
        assertThat(Numbers.grouped(Long.MIN_VALUE)).isEqualTo("-92,23,37,20,36,85,47,75,808");
    }
}
