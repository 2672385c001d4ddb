package com.careledger.facility.ui;

import java.math.BigDecimal;

import com.careledger.core.Money;
import com.careledger.core.format.Dates;
import com.careledger.db.public_.enums.CashCommissionType;
import com.careledger.facility.domain.CommissionTerms;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;

/** What the platform charges the facility, as in force now: per online payment method, and on cash. */
class CommissionTermsPanel extends Div {

    CommissionTermsPanel(CommissionTerms terms) {
        addClassName("terms");
        setId("commission-terms");
        Paragraph since = new Paragraph(getTranslation("terms.since",
                Dates.date(terms.effectiveFrom(), getLocale()), percent(terms.gstRate())));
        Paragraph cash = new Paragraph(getTranslation("terms.cash", cash(terms)));
        cash.setId("cash-commission");
        String cycle = getTranslation("terms.cycle." + terms.settlementCycle().getLiteral());
        String netting = getTranslation(terms.nettingAllowed() ? "terms.netted" : "terms.apart");
        Paragraph settlement = new Paragraph(terms.minimumPayoutPaise() > 0
                ? getTranslation("terms.settled.minimum", cycle, netting, Money.ofPaise(terms.minimumPayoutPaise()).display())
                : getTranslation("terms.settled", cycle, netting));

        Grid<CommissionTerms.MethodRate> rates = new Grid<>();
        rates.setId("method-rates");
        rates.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_NO_BORDER);
        rates.addColumn(r -> getTranslation("terms.method." + r.method().getLiteral()))
                .setHeader(getTranslation("terms.online-payment")).setAutoWidth(true);
        rates.addColumn(r -> percent(r.platformMdr())).setHeader(getTranslation("terms.you-pay")).setAutoWidth(true);
        rates.addColumn(r -> percent(r.gatewayMdr())).setHeader(getTranslation("terms.gateway-mdr")).setAutoWidth(true);
        rates.addColumn(r -> percent(r.platformMdr().subtract(r.gatewayMdr())))
                .setHeader(getTranslation("terms.platform-margin")).setAutoWidth(true);
        rates.setItems(terms.rates());
        rates.setAllRowsVisible(true);

        add(new H2(getTranslation("terms.heading")), since, rates, cash, settlement);
    }

    private String cash(CommissionTerms terms) {
        if (!terms.cashCommissionApplies()) {
            return getTranslation("terms.cash.none");
        }
        String gst = terms.gstOnCashCommission() ? getTranslation("terms.cash.plus-gst") : "";
        return terms.cashCommissionType() == CashCommissionType.percentage && terms.cashCommissionRate() != null
                ? getTranslation("terms.cash.percentage", percent(terms.cashCommissionRate()), gst)
                : getTranslation("terms.cash.fixed",
                        Money.ofPaise(terms.cashCommissionFixedPaise() == null ? 0 : terms.cashCommissionFixedPaise()).display(), gst);
    }

    /** 0.0110 → "1.10 %", 0.012345 → "1.2345 %": at least two decimals, never a rounded rate. */
    static String percent(BigDecimal rate) {
        BigDecimal percent = rate.movePointRight(2).stripTrailingZeros();
        return (percent.scale() < 2 ? percent.setScale(2) : percent).toPlainString() + " %";
    }
}
