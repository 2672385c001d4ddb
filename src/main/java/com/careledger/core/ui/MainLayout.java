package com.careledger.core.ui;

import com.careledger.core.security.CareLedgerUser;
import com.vaadin.flow.component.applayout.AppLayout;
import com.vaadin.flow.component.applayout.DrawerToggle;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.Icon;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.sidenav.SideNav;
import com.vaadin.flow.component.sidenav.SideNavItem;
import com.vaadin.flow.router.Layout;
import com.vaadin.flow.server.menu.MenuConfiguration;
import com.vaadin.flow.server.menu.MenuEntry;
import com.vaadin.flow.spring.security.AuthenticationContext;
import jakarta.annotation.security.PermitAll;

/**
 * The frame around every signed-in page: the navigation of the user's role, who is signed in, sign-out.
 *
 * <p>The navigation lists the views that declare a {@code @Menu} entry, in the entries' order, as Vaadin's
 * {@link MenuConfiguration} returns them: only the views the signed-in user may open (the route access control checks
 * each view's {@code @RolesAllowed}), so the shell names no feature's views.
 */
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
        addToDrawer(navigation());
        setPrimarySection(Section.DRAWER);
    }

    private static SideNav navigation() {
        SideNav nav = new SideNav();
        nav.setId("navigation");
        for (MenuEntry entry : MenuConfiguration.getMenuEntries()) {
            nav.addItem(entry.icon() == null || entry.icon().isBlank()
                    ? new SideNavItem(entry.title(), entry.path())
                    : new SideNavItem(entry.title(), entry.path(), new Icon(entry.icon())));
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
