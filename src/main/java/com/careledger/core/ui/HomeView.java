package com.careledger.core.ui;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;

import com.careledger.core.security.CareLedgerUser;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouteConfiguration;
import com.vaadin.flow.router.RouteData;
import com.vaadin.flow.spring.security.AuthenticationContext;
import jakarta.annotation.security.PermitAll;

/**
 * The root address: sends each signed-in user to the {@link LandingPage} of their role, looked up among the
 * registered routes.
 */
@Route("")
@PermitAll
public class HomeView extends Div implements BeforeEnterObserver {

    private final AuthenticationContext authentication;

    public HomeView(AuthenticationContext authentication) {
        this.authentication = authentication;
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        authentication.getAuthenticatedUser(CareLedgerUser.class).ifPresentOrElse(user ->
                landingPage(user.role(), RouteConfiguration.forSessionScope()).ifPresentOrElse(event::forwardTo,
                        () -> add(new Paragraph(getTranslation("home.no-page")))),
                () -> event.forwardTo(LoginView.class));
    }

    /** The registered view that declares itself the landing page of the role (the first by route, should there be several). */
    static Optional<Class<? extends Component>> landingPage(CareLedgerUser.Role role, RouteConfiguration routes) {
        return routes.getAvailableRoutes().stream()
                .sorted(Comparator.comparing(RouteData::getTemplate))
                .<Class<? extends Component>>map(RouteData::getNavigationTarget)
                .filter(view -> isLandingPageOf(view, role))
                .findFirst();
    }

    static boolean isLandingPageOf(Class<?> view, CareLedgerUser.Role role) {
        LandingPage landing = view.getAnnotation(LandingPage.class);
        return landing != null && Arrays.asList(landing.value()).contains(role.name());
    }
}
