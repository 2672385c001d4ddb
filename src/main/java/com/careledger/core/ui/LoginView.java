package com.careledger.core.ui;

import com.careledger.core.security.LoginThrottledException;
import com.vaadin.flow.component.Text;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Main;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.login.LoginForm;
import com.vaadin.flow.component.login.LoginI18n;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.server.VaadinSession;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import com.vaadin.flow.spring.security.AuthenticationContext;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.web.WebAttributes;

/**
 * Sign-in for every role. The form posts to Spring Security's /login; errors come back as ?error. "Forgot password?"
 * leads to {@link ForgotPasswordView}, and a new patient creates an account with {@link SignUpView}.
 */
@Route(value = "login", autoLayout = false)
@PageTitle("Sign in · CareLedger")
@AnonymousAllowed
public class LoginView extends Main implements BeforeEnterObserver {

    private final LoginForm form = new LoginForm();
    private final AuthenticationContext authentication;

    public LoginView(AuthenticationContext authentication) {
        this.authentication = authentication;
        addClassName("login-view");
        form.setAction("login");
        form.setForgotPasswordButtonVisible(true);
        form.addForgotPasswordListener(e -> e.getSource().getUI().ifPresent(ui -> ui.navigate(ForgotPasswordView.class)));
        form.setI18n(i18n("Incorrect email or password", "Check them and try again."));

        Div brand = new Div(new H1("CareLedger"),
                new Paragraph("Billing, cash and settlements for hospitals, clinics and labs"),
                new Paragraph(new Text("New patient? "), new RouterLink("Create an account", SignUpView.class)));
        brand.addClassName("login-brand");
        add(brand, form);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        if (authentication.isAuthenticated()) {
            event.forwardTo(HomeView.class);
            return;
        }
        if (event.getLocation().getQueryParameters().getParameters().containsKey("error")) {
            Object failure = VaadinSession.getCurrent().getSession().getAttribute(WebAttributes.AUTHENTICATION_EXCEPTION);
            if (failure instanceof LoginThrottledException throttled) {
                form.setI18n(i18n("Too many failed sign-ins",
                        "Sign-in for this account is paused. Try again in " + throttled.retryAfterMinutes() + " min."));
            } else if (failure instanceof DisabledException) {
                form.setI18n(i18n("This sign-in is suspended",
                        "Ask your facility's administrator (or the platform, for a suspended facility) to restore it."));
            }
            form.setError(true);
        }
    }

    private static LoginI18n i18n(String errorTitle, String errorMessage) {
        LoginI18n i18n = LoginI18n.createDefault();
        i18n.getForm().setTitle("Sign in");
        i18n.getForm().setUsername("Email");
        i18n.getForm().setForgotPassword("Forgot password?");
        i18n.getErrorMessage().setTitle(errorTitle);
        i18n.getErrorMessage().setMessage(errorMessage);
        return i18n;
    }
}
