package com.careledger.core.ui;

import java.util.Locale;
import java.util.Optional;

import com.careledger.core.ui.i18n.LanguageChoice;
import com.careledger.core.ui.i18n.LanguageSwitch;
import com.careledger.core.security.CareLedgerUser;
import com.vaadin.flow.component.HasElement;
import com.vaadin.flow.component.applayout.AppLayout;
import com.vaadin.flow.component.applayout.DrawerToggle;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Main;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.Icon;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.sidenav.SideNav;
import com.vaadin.flow.component.sidenav.SideNavItem;
import com.vaadin.flow.router.Layout;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.server.menu.MenuConfiguration;
import com.vaadin.flow.server.menu.MenuEntry;
import com.vaadin.flow.spring.security.AuthenticationContext;
import jakarta.annotation.security.PermitAll;

/**
 * The frame around every signed-in page: a skip link, the navigation of the user's role, who is signed in, the
 * language switcher, sign-out, and the page itself in the {@code main} landmark.
 *
 * <p>The navigation lists the views that declare a {@code @Menu} entry, in the entries' order, as Vaadin's
 * {@link MenuConfiguration} returns them: only the views the signed-in user may open (the route access control checks
 * each view's {@code @RolesAllowed}), so the shell names no feature's views. An entry's title is a translation key.
 *
 * <p>On a wide screen who is signed in, the switcher and sign-out sit in the header; on a phone (the style sheet's
 * breakpoint) they move into the drawer, the header keeping the menu button and the name of the portal. The error
 * pages ({@link NotFoundView}, {@link AccessDeniedView}) are shown in this frame too, for anybody.
 */
@Layout
@PermitAll
public class MainLayout extends AppLayout {

    private final Main main = new Main();

    public MainLayout(AuthenticationContext authentication, LanguageChoice languages) {
        Optional<CareLedgerUser> user = authentication.getAuthenticatedUser(CareLedgerUser.class);

        Anchor skip = new Anchor("#main-content", getTranslation("shell.skip-to-content"));
        skip.addClassName("skip-link");
        skip.getElement().setAttribute("router-ignore", true);

        DrawerToggle toggle = new DrawerToggle();
        toggle.setAriaLabel(getTranslation("shell.menu"));

        Span brand = new Span(getTranslation("app.name"));
        brand.addClassName("brand");

        Div header = new Div(skip, toggle, brand, account(user, authentication, languages, "", "account"));
        header.addClassName("app-header");
        addToNavbar(header);

        Div drawer = new Div(navigation(), account(user, authentication, languages, "-drawer", "drawer-account"));
        drawer.addClassName("drawer");
        addToDrawer(drawer);
        setPrimarySection(Section.DRAWER);

        main.setId("main-content");
        main.getElement().setAttribute("tabindex", "-1");
        main.addClassName("main-content");
        setContent(main);
    }

    /** The page goes into the {@code main} landmark, which the skip link moves the focus to. */
    @Override
    public void showRouterLayoutContent(HasElement content) {
        main.getElement().removeAllChildren();
        if (content != null) {
            main.getElement().appendChild(content.getElement());
        }
    }

    @Override
    public void removeRouterLayoutContent(HasElement oldContent) {
        main.getElement().removeAllChildren();
    }

    /** Who is signed in, the switcher and sign-out; ids end in the suffix (the drawer's copy is "-drawer"). */
    private Div account(Optional<CareLedgerUser> user, AuthenticationContext authentication, LanguageChoice languages,
                        String suffix, String className) {
        LanguageSwitch language = new LanguageSwitch(languages);
        language.setId("language-switch" + suffix);
        Div account = new Div();
        account.addClassName(className);
        user.ifPresentOrElse(u -> {
            Span who = new Span(u.displayName());
            who.addClassName("who");
            Span role = new Span(getTranslation(roleKey(u.role())));
            role.getElement().getThemeList().add("badge contrast");
            Button signOut = new Button(getTranslation("shell.sign-out"), VaadinIcon.SIGN_OUT.create(),
                    e -> authentication.logout());
            signOut.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
            signOut.setId("sign-out" + suffix);
            account.add(who, role, language, signOut);
        }, () -> account.add(language, new RouterLink(getTranslation("shell.sign-in"), LoginView.class)));
        return account;
    }

    private SideNav navigation() {
        SideNav nav = new SideNav();
        nav.setId("navigation");
        nav.getElement().setAttribute("aria-label", getTranslation("shell.navigation"));
        for (MenuEntry entry : MenuConfiguration.getMenuEntries()) {
            String title = getTranslation(entry.title());
            nav.addItem(entry.icon() == null || entry.icon().isBlank()
                    ? new SideNavItem(title, entry.path())
                    : new SideNavItem(title, entry.path(), new Icon(entry.icon())));
        }
        return nav;
    }

    /** The translation key of a role's name: role.super-admin, role.facility-admin, role.staff, role.patient. */
    static String roleKey(CareLedgerUser.Role role) {
        return "role." + role.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
