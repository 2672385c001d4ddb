package com.careledger.patient.ui;

import com.careledger.core.security.CareLedgerUser;
import com.careledger.core.security.Roles;
import com.careledger.core.ui.LandingPage;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.spring.security.AuthenticationContext;
import jakarta.annotation.security.RolesAllowed;

/** Patient landing page: their health card, appointments and bills. */
@Route("patient")
@PageTitle("My health card · CareLedger")
@RolesAllowed(Roles.PATIENT)
@Menu(title = "My health card", order = 40, icon = "vaadin:user-card")
@LandingPage(Roles.PATIENT)
public class PatientHomeView extends VerticalLayout {

    public PatientHomeView(AuthenticationContext authentication) {
        addClassName("page");
        CareLedgerUser user = authentication.getAuthenticatedUser(CareLedgerUser.class).orElseThrow();
        add(new H2("My health card"),
                new Paragraph(user.displayName() + " · " + user.email()),
                new Paragraph("Your health card, appointments and bills will be shown here; this page does not show them yet."));
    }
}
