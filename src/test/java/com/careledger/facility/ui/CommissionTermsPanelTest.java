package com.careledger.facility.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;

import org.junit.jupiter.api.Test;

class CommissionTermsPanelTest {

    @Test
    void ratesReadAsPercentagesWithoutRounding() {
        assertThat(CommissionTermsPanel.percent(new BigDecimal("0.0110"))).isEqualTo("1.10 %");
        assertThat(CommissionTermsPanel.percent(new BigDecimal("0"))).isEqualTo("0.00 %");
        assertThat(CommissionTermsPanel.percent(new BigDecimal("0.012345"))).isEqualTo("1.2345 %");
        assertThat(CommissionTermsPanel.percent(new BigDecimal("0.18"))).isEqualTo("18.00 %");
    }
}
