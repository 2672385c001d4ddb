package com.careledger.facility.ui;

import java.math.BigDecimal;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import com.careledger.core.Money;
import com.careledger.db.public_.enums.CashCommissionType;
import com.careledger.facility.domain.CommissionTerms;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;

/** What the platform charges the facility, as in force now: per online payment method, and on cash. */
class CommissionTermsPanel extends Div {

    private static final Locale INDIA = Locale.forLanguageTag("en-IN");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMM yyyy", INDIA);

    CommissionTermsPanel(CommissionTerms terms) {
        addClassName("terms");
        setId("commission-terms");
        Paragraph since = new Paragraph("In force since "
                + DATE.format(terms.effectiveFrom().atZoneSameInstant(ZoneId.of("Asia/Kolkata"))) + ". GST on fees "
                + percent(terms.gstRate()) + ".");
        Paragraph cash = new Paragraph("Cash at the counter: " + cash(terms));
        cash.setId("cash-commission");
        Paragraph settlement = new Paragraph("Settled " + terms.settlementCycle().getLiteral()
                + (terms.nettingAllowed() ? ", online and cash netted" : ", online and cash apart")
                + (terms.minimumPayoutPaise() > 0 ? ", minimum payout " + Money.ofPaise(terms.minimumPayoutPaise()).display() : "") + ".");

        Grid<CommissionTerms.MethodRate> rates = new Grid<>();
        rates.setId("method-rates");
        rates.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_NO_BORDER);
        rates.addColumn(r -> method(r.method().getLiteral())).setHeader("Online payment").setAutoWidth(true);
        rates.addColumn(r -> percent(r.platformMdr())).setHeader("You pay (MDR)").setAutoWidth(true);
        rates.addColumn(r -> percent(r.gatewayMdr())).setHeader("Gateway's MDR").setAutoWidth(true);
        rates.addColumn(r -> percent(r.platformMdr().subtract(r.gatewayMdr()))).setHeader("Platform margin")
                .setAutoWidth(true);
        rates.setItems(terms.rates());
        rates.setAllRowsVisible(true);

        add(new H3("Commission terms"), since, rates, cash, settlement);
    }

    private static String cash(CommissionTerms terms) {
        if (!terms.cashCommissionApplies()) {
            return "no commission.";
        }
        String gst = terms.gstOnCashCommission() ? " plus GST" : "";
        return terms.cashCommissionType() == CashCommissionType.percentage && terms.cashCommissionRate() != null
                ? percent(terms.cashCommissionRate()) + " of each collection" + gst + "."
                : Money.ofPaise(terms.cashCommissionFixedPaise() == null ? 0 : terms.cashCommissionFixedPaise()).display() + " per bill"
                        + gst + ", charged at its first cash collection.";
    }

    /** 0.0110 → "1.10 %", 0.012345 → "1.2345 %": at least two decimals, never a rounded rate. */
    static String percent(BigDecimal rate) {
        BigDecimal percent = rate.movePointRight(2).stripTrailingZeros();
        return (percent.scale() < 2 ? percent.setScale(2) : percent).toPlainString() + " %";
    }


    private static String method(String literal) {
        return switch (literal) {
            case "card" -> "Card";
            case "upi" -> "UPI";
            case "rupay_debit" -> "RuPay debit";
            case "netbanking" -> "Net banking";
            case "wallet" -> "Wallet";
            default -> literal;
        };
    }
}
