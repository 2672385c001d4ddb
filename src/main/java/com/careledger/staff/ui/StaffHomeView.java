package com.careledger.staff.ui;

import com.careledger.core.security.CareLedgerUser;
import com.careledger.core.security.Roles;
import com.careledger.core.ui.LandingPage;
import com.careledger.facility.domain.FacilityRepository;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.spring.security.AuthenticationContext;
import jakarta.annotation.security.RolesAllowed;

/** Staff landing page: the facility they work at today. Appointments and the cash counter come here. */
@Route("staff")
@RolesAllowed(Roles.STAFF)
@Menu(title = "staff.title", order = 30, icon = "vaadin:calendar")
@LandingPage(Roles.STAFF)
public class StaffHomeView extends VerticalLayout implements HasDynamicTitle {

    public StaffHomeView(AuthenticationContext authentication, FacilityRepository facilities) {
        addClassName("page");
        CareLedgerUser user = authentication.getAuthenticatedUser(CareLedgerUser.class).orElseThrow();
        String facility = user.facilityId() == null ? "" : facilities.findById(user.facilityId())
                .map(f -> f.name() + ", " + f.city()).orElse("");
        add(new H1(getTranslation("staff.greeting", user.displayName())));
        Paragraph where = new Paragraph(facility);
        where.setId("staff-facility");
        add(where, new Paragraph(getTranslation("staff.coming")));
    }

    @Override
    public String getPageTitle() {
        return getTranslation("app.page-title", getTranslation("staff.title"));
    }
}
