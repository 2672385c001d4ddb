package com.careledger.patient.ui;

import com.careledger.core.security.CareLedgerUser;
import com.careledger.core.security.Roles;
import com.careledger.core.ui.LandingPage;
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

    public PatientHomeView(AuthenticationContext authentication) {
        addClassName("page");
        CareLedgerUser user = authentication.getAuthenticatedUser(CareLedgerUser.class).orElseThrow();
        add(new H1(getTranslation("patient.title")),
                new Paragraph(user.displayName() + " · " + user.email()),
                new Paragraph(getTranslation("patient.coming")));
    }

    @Override
    public String getPageTitle() {
        return getTranslation("app.page-title", getTranslation("patient.title"));
    }
}
