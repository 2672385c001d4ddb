package com.careledger.patient.ui;

import com.careledger.core.Money;
import com.careledger.core.format.Numbers;
import com.careledger.core.security.CareLedgerUser;
import com.careledger.core.security.Roles;
import com.careledger.core.ui.FigureTiles;
import com.careledger.core.ui.LandingPage;
import com.careledger.patient.domain.MyBillsRepository;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.spring.security.AuthenticationContext;
import jakarta.annotation.security.RolesAllowed;

/** Patient landing page: their health card, appointments and bills. */
@Route("patient")
@RolesAllowed(Roles.PATIENT)
@Menu(title = "patient.title", order = 40, icon = "vaadin:user-card")
@LandingPage(Roles.PATIENT)
public class PatientHomeView extends VerticalLayout implements HasDynamicTitle {

    public PatientHomeView(AuthenticationContext authentication, MyBillsRepository bills) {
        addClassName("page");
        CareLedgerUser user = authentication.getAuthenticatedUser(CareLedgerUser.class).orElseThrow();
        add(new H1(getTranslation("patient.title")),
                new Paragraph(user.displayName() + " · " + user.email()),
                figures(bills.totals()),
                new Paragraph(getTranslation("patient.coming")));
    }

    @Override
    public String getPageTitle() {
        return getTranslation("app.page-title", getTranslation("patient.title"));
    }

    /** The patient's bills at every facility: how many, billed, paid and still due. */
    private FigureTiles figures(MyBillsRepository.Totals totals) {
        return new FigureTiles("bill-figures")
                .add("bills-count", getTranslation("patient.bills"), Numbers.grouped(totals.bills()))
                .add("bills-total", getTranslation("patient.billed"), Money.ofPaise(totals.billedPaise()).display())
                .add("bills-paid", getTranslation("patient.paid"), Money.ofPaise(totals.paidPaise()).display())
                .add("bills-due", getTranslation("patient.due"), Money.ofPaise(totals.duePaise()).display());
    }
}
