package com.careledger.core.ui;

import com.careledger.core.security.CareLedgerUser;
import com.careledger.facility.ui.FacilitiesView;
import com.careledger.facility.ui.MyFacilityView;
import com.careledger.patient.ui.PatientHomeView;
import com.careledger.staff.ui.StaffHomeView;
import com.vaadin.flow.component.applayout.AppLayout;
import com.vaadin.flow.component.applayout.DrawerToggle;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.sidenav.SideNav;
import com.vaadin.flow.component.sidenav.SideNavItem;
import com.vaadin.flow.router.Layout;
import com.vaadin.flow.spring.security.AuthenticationContext;
import jakarta.annotation.security.PermitAll;

/** The frame around every signed-in page: the navigation of the user's role, who is signed in, sign-out. */
@Layout
@PermitAll
public class MainLayout extends AppLayout {

    public MainLayout(AuthenticationContext authentication) {
        CareLedgerUser user = authentication.getAuthenticatedUser(CareLedgerUser.class).orElseThrow();

        Span brand = new Span("CareLedger");
        brand.addClassName("brand");

        Span who = new Span(user.displayName());
        who.addClassName("who");
        Span role = new Span(label(user.role()));
        role.getElement().getThemeList().add("badge contrast");
        Button signOut = new Button("Sign out", VaadinIcon.SIGN_OUT.create(), e -> authentication.logout());
        signOut.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        signOut.setId("sign-out");

        HorizontalLayout account = new HorizontalLayout(who, role, signOut);
        account.setAlignItems(HorizontalLayout.Alignment.CENTER);
        account.addClassName("account");

        Div header = new Div(new DrawerToggle(), brand, account);
        header.addClassName("app-header");
        addToNavbar(header);
        addToDrawer(navigation(user.role()));
        setPrimarySection(Section.DRAWER);
    }

    private static SideNav navigation(CareLedgerUser.Role role) {
        SideNav nav = new SideNav();
        switch (role) {
            case SUPER_ADMIN -> nav.addItem(new SideNavItem("Facilities", FacilitiesView.class, VaadinIcon.HOSPITAL.create()));
            case FACILITY_ADMIN -> nav.addItem(new SideNavItem("My facility", MyFacilityView.class, VaadinIcon.HOSPITAL.create()));
            case STAFF -> nav.addItem(new SideNavItem("Today", StaffHomeView.class, VaadinIcon.CALENDAR.create()));
            case PATIENT -> nav.addItem(new SideNavItem("My health card", PatientHomeView.class, VaadinIcon.USER_CARD.create()));
        }
        return nav;
    }

    static String label(CareLedgerUser.Role role) {
        return switch (role) {
            case SUPER_ADMIN -> "Super admin";
            case FACILITY_ADMIN -> "Facility admin";
            case STAFF -> "Staff";
            case PATIENT -> "Patient";
        };
    }
}
