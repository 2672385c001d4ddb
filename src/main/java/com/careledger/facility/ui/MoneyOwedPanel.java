package com.careledger.facility.ui;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import com.careledger.core.Money;
import com.careledger.ledger.domain.OwnerQuestions;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;

/**
 * The owner's three questions for one facility, live from the ledger: commission pending (cash with its GST, and
 * the online margin the gateway has not paid yet), what the facility holds for the platform, and what changed since
 * the last paid settlement beside the open position now.
 */
class MoneyOwedPanel extends Div {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.forLanguageTag("en-IN"));

    MoneyOwedPanel(OwnerQuestions.CommissionPending pending, OwnerQuestions.HeldForPlatform held,
                   OwnerQuestions.PendingSinceLastSettlement since) {
        addClassName("terms");
        setId("money-owed");
        Paragraph commission = new Paragraph("Commission pending: " + money(pending.totalPaise()) + " — cash "
                + money(pending.cashPaise()) + " (of it GST " + money(pending.cashGstPaise()) + "), online "
                + money(pending.onlineMarginPaise()) + " not yet paid by the gateway.");
        commission.setId("commission-pending");
        Paragraph holds = new Paragraph("You hold for the platform: " + money(held.receivablePaise()) + ".");
        holds.setId("held-for-platform");
        // before the first paid settlement the change since "the last" is the whole open position: said once
        Paragraph difference = new Paragraph(since.lastSettlementPaidAt() == null
                ? "No settlement has been paid yet. Open now: " + signed(since.openNetPaise()) + "."
                : "Since the last settlement, paid " + DATE.format(since.lastSettlementPaidAt()
                        .atZoneSameInstant(ZoneId.of("Asia/Kolkata"))) + ": " + signed(since.changeSincePaise())
                        + ". Open now: " + signed(since.openNetPaise()) + ".");
        difference.setId("since-last-settlement");
        add(new H3("Money between you and the platform"), commission, holds, difference);
    }

    private static String money(long paise) {
        return Money.ofPaise(paise).display();
    }

    /** Positive: the platform owes the facility. */
    private static String signed(long paise) {
        if (paise == 0) {
            return "nothing owed either way";
        }
        return paise > 0 ? "the platform owes you " + money(paise) : "you owe the platform " + money(-paise);
    }
}
