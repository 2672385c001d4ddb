package com.careledger.core.ui;

import com.careledger.core.ui.i18n.LanguageChoice;
import com.careledger.core.ui.i18n.LanguageSwitch;
import com.careledger.core.security.LoginThrottledException;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Main;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.login.LoginForm;
import com.vaadin.flow.component.login.LoginI18n;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.server.VaadinSession;
import com.vaadin.flow.server.WrappedSession;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import com.vaadin.flow.spring.security.AuthenticationContext;
import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.web.WebAttributes;

/**
 * Sign-in for every role. The form posts to Spring Security's /login; errors come back as ?error, with the email that
 * was tried kept for the form ({@link SignInFailure}). "Forgot password?" leads to {@link ForgotPasswordView}, and a
 * new patient creates an account with {@link SignUpView}. One act, one name: "Sign in" is the title, the button and
 * the link everywhere.
 */
@Route(value = "login", autoLayout = false)
@AnonymousAllowed
public class LoginView extends Main implements BeforeEnterObserver, HasDynamicTitle {

    private final LoginForm form = new LoginForm();
    private final AuthenticationContext authentication;

    public LoginView(AuthenticationContext authentication, LanguageChoice languages) {
        this.authentication = authentication;
        addClassName("login-view");
        form.setAction("login");
        form.setForgotPasswordButtonVisible(true);
        form.addForgotPasswordListener(e -> e.getSource().getUI().ifPresent(ui -> ui.navigate(ForgotPasswordView.class)));
        form.setI18n(i18n(null, null));

        Div brand = new Div(new H1(getTranslation("app.name")),
                new Paragraph(getTranslation("login.tagline")),
                new Paragraph(new Span(getTranslation("login.new-patient") + " "),
                        new RouterLink(getTranslation("login.create-account"), SignUpView.class)));
        brand.addClassName("login-brand");
        LanguageSwitch language = new LanguageSwitch(languages);
        Div corner = new Div(language);
        corner.addClassName("login-corner");
        add(corner, brand, form);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        if (authentication.isAuthenticated()) {
            event.forwardTo(HomeView.class);
            return;
        }
        if (event.getLocation().getQueryParameters().getParameters().containsKey("error")) {
            WrappedSession session = VaadinSession.getCurrent().getSession();
            Object failure = session.getAttribute(WebAttributes.AUTHENTICATION_EXCEPTION);
            if (failure instanceof LoginThrottledException throttled) {
                form.setI18n(i18n(getTranslation("login.throttled.title"),
                        getTranslation("login.throttled.text", throttled.retryAfterMinutes())));
            } else if (failure instanceof DisabledException) {
                form.setI18n(i18n(getTranslation("login.disabled.title"), getTranslation("login.disabled.text")));
            }
            form.setError(true);
            SignInFailure.triedEmail(session).ifPresent(email -> form.getElement().executeJs("""
                    const form = this, email = $0;
                    customElements.whenDefined('vaadin-login-form').then(() => requestAnimationFrame(() => {
                      const field = form.querySelector('[name="username"]');
                      if (field) { field.value = email; }
                      const password = form.querySelector('vaadin-password-field');
                      if (password) { password.focus(); }
                    }));""", email));
        }
    }

    @Override
    public String getPageTitle() {
        return getTranslation("app.page-title", getTranslation("login.title"));
    }

    private LoginI18n i18n(@Nullable String errorTitle, @Nullable String errorMessage) {
        LoginI18n i18n = LoginI18n.createDefault();
        i18n.getForm().setTitle(getTranslation("login.title"));
        i18n.getForm().setUsername(getTranslation("login.email"));
        i18n.getForm().setPassword(getTranslation("login.password"));
        i18n.getForm().setSubmit(getTranslation("login.submit"));
        i18n.getForm().setForgotPassword(getTranslation("login.forgot-password"));
        i18n.getErrorMessage().setTitle(errorTitle == null ? getTranslation("login.failed.title") : errorTitle);
        i18n.getErrorMessage().setMessage(errorMessage == null ? getTranslation("login.failed.text") : errorMessage);
        i18n.getErrorMessage().setUsername(getTranslation("login.email.required"));
        i18n.getErrorMessage().setPassword(getTranslation("login.password.required"));
        return i18n;
    }
}
