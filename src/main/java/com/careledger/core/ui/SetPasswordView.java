package com.careledger.core.ui;

import com.careledger.core.ui.i18n.LanguageChoice;
import com.careledger.core.security.AccountRepository;
import com.careledger.core.security.AccountRepository.InvalidLink;
import com.careledger.core.security.AccountRepository.PasswordSet;
import com.careledger.core.security.AccountRepository.Throttled;
import com.careledger.core.security.AccountRepository.WeakPassword;
import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.textfield.Autocomplete;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.server.auth.AnonymousAllowed;

/**
 * The page a mailed link opens ({@code /set-password/<token>}: an invitation, a sign-up or a password reset): the new
 * password twice, then the database checks the link (once, before it expires) and the password, stores it, and ends
 * every session of the account.
 */
@Route(value = "set-password/:token", autoLayout = false)
@AnonymousAllowed
public class SetPasswordView extends AccountPage implements BeforeEnterObserver {

    private String token = "";

    public SetPasswordView(AccountRepository accounts, LanguageChoice languages) {
        super("set-password.heading", "set-password.intro", languages);
        PasswordField password = new PasswordField(getTranslation("set-password.new"));
        password.setRequiredIndicatorVisible(true);
        password.setAutocomplete(Autocomplete.NEW_PASSWORD);
        password.setAutofocus(true);
        password.setWidthFull();
        PasswordField again = new PasswordField(getTranslation("set-password.again"));
        again.setRequiredIndicatorVisible(true);
        again.setAutocomplete(Autocomplete.NEW_PASSWORD);
        again.setWidthFull();
        Button set = new Button(getTranslation("set-password.set"));
        set.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        set.addClickShortcut(Key.ENTER);
        set.addClickListener(e -> {
            password.setInvalid(false);
            again.setInvalid(false);
            if (!password.getValue().equals(again.getValue())) {
                again.setInvalid(true);
                again.setErrorMessage(getTranslation("set-password.differ"));
                return;
            }
            switch (accounts.redeem(token, password.getValue(), clientAddress())) {
                case PasswordSet(var email) -> finish(getTranslation("set-password.done", email),
                        new RouterLink(getTranslation("login.submit"), LoginView.class));
                case WeakPassword(var problem) -> {
                    password.setInvalid(true);
                    password.setErrorMessage(getTranslation(problemKey(problem)));
                }
                case InvalidLink() -> finish(getTranslation("set-password.invalid-link"),
                        new RouterLink(getTranslation("login.forgot-password"), ForgotPasswordView.class));
                case Throttled(var retryAfter) -> status.setText(tryAgainIn("set-password.throttled", retryAfter));
            }
        });
        form.add(password, again, set);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        token = event.getRouteParameters().get("token").orElse("");
    }

    /**
     * The translation key of what the database found wrong with a password (app.password_problem answers in a
     * sentence of its own): one key per rule, a general one for a rule this list does not know yet.
     */
    static String problemKey(String problem) {
        if (problem.contains("at least")) {
            return "set-password.problem.too-short";
        } else if (problem.contains("at most")) {
            return "set-password.problem.too-long";
        } else if (problem.contains("email")) {
            return "set-password.problem.email";
        } else if (problem.contains("repeated")) {
            return "set-password.problem.repeated";
        } else if (problem.contains("guessers")) {
            return "set-password.problem.common";
        }
        return "set-password.problem.other";
    }
}
