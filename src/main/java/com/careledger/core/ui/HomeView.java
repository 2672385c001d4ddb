package com.careledger.core.ui;

import com.careledger.core.security.CareLedgerUser;
import com.careledger.facility.ui.FacilitiesView;
import com.careledger.facility.ui.MyFacilityView;
import com.careledger.patient.ui.PatientHomeView;
import com.careledger.staff.ui.StaffHomeView;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.spring.security.AuthenticationContext;
import jakarta.annotation.security.PermitAll;

/** The root address: sends each signed-in user to the landing page of their role. */
@Route("")
@PermitAll
public class HomeView extends Div implements BeforeEnterObserver {

    private final AuthenticationContext authentication;

    public HomeView(AuthenticationContext authentication) {
        this.authentication = authentication;
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        authentication.getAuthenticatedUser(CareLedgerUser.class).ifPresentOrElse(user -> {
            switch (user.role()) {
                case SUPER_ADMIN -> event.forwardTo(FacilitiesView.class);
                case FACILITY_ADMIN -> event.forwardTo(MyFacilityView.class);
                case STAFF -> event.forwardTo(StaffHomeView.class);
                case PATIENT -> event.forwardTo(PatientHomeView.class);
            }
        }, () -> event.forwardTo(LoginView.class));
    }
}
