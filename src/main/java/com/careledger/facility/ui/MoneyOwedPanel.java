package com.careledger.facility.ui;


import com.careledger.core.Money;
import com.careledger.core.format.Dates;
import com.careledger.ledger.domain.OwnerQuestions;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.html.Paragraph;

/**
 * The owner's three questions for one facility, live from the ledger: commission pending (cash with its GST, and
 * the online margin the gateway has not paid yet), what the facility holds for the platform, and what changed since
 * the last paid settlement beside the open position now.
 */
class MoneyOwedPanel extends Div {

    MoneyOwedPanel(OwnerQuestions.CommissionPending pending, OwnerQuestions.HeldForPlatform held,
                   OwnerQuestions.PendingSinceLastSettlement since) {
        addClassName("terms");
        setId("money-owed");
        Paragraph commission = new Paragraph(getTranslation("owed.commission", money(pending.totalPaise()),
                money(pending.cashPaise()), money(pending.cashGstPaise()), money(pending.onlineMarginPaise())));
        commission.setId("commission-pending");
        Paragraph holds = new Paragraph(getTranslation("owed.held", money(held.receivablePaise())));
        holds.setId("held-for-platform");
        // before the first paid settlement the change since "the last" is the whole open position: said once
        Paragraph difference = new Paragraph(since.lastSettlementPaidAt() == null
                ? getTranslation("owed.none-paid", signed(since.openNetPaise()))
                : getTranslation("owed.since", Dates.date(since.lastSettlementPaidAt(), getLocale()),
                        signed(since.changeSincePaise()), signed(since.openNetPaise())));
        difference.setId("since-last-settlement");
        add(new H2(getTranslation("owed.heading")),
                question("owed.question.commission", commission),
                question("owed.question.held", holds),
                question("owed.question.since", difference));
    }

    /**
     * One of the owner's three questions as the owner asks it (in Hinglish: Hindi in Latin letters, the same on an
     * English and a Hindi page, marked as such for screen readers) above its answer.
     */
    private Div question(String key, Paragraph answer) {
        Span asked = new Span(getTranslation(key));
        asked.getElement().setAttribute("lang", "hi-Latn");
        asked.addClassName("owner-question");
        Div question = new Div(asked, answer);
        question.addClassName("owner-question-block");
        return question;
    }

    private static String money(long paise) {
        return Money.ofPaise(paise).display();
    }

    /** Positive: the platform owes the facility. */
    private String signed(long paise) {
        if (paise == 0) {
            return getTranslation("owed.nothing");
        }
        return paise > 0 ? getTranslation("owed.platform-owes", money(paise)) : getTranslation("owed.you-owe", money(-paise));
    }
}
