package com.careledger.core.ui;

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
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.server.auth.AnonymousAllowed;

/**
 * The page a mailed link opens ({@code /set-password/<token>}: an invitation, a sign-up or a password reset): the new
 * password twice, then the database checks the link (once, before it expires) and the password, stores it, and ends
 * every session of the account.
 */
@Route(value = "set-password/:token", autoLayout = false)
@PageTitle("Set your password · CareLedger")
@AnonymousAllowed
public class SetPasswordView extends AccountPage implements BeforeEnterObserver {

    private String token = "";

    public SetPasswordView(AccountRepository accounts) {
        super("Set your password", "At least 12 characters; not your email address and not a common password. "
                + "A few words you will remember make a good one.");
        PasswordField password = new PasswordField("New password");
        password.setRequiredIndicatorVisible(true);
        password.setAutocomplete(Autocomplete.NEW_PASSWORD);
        password.setAutofocus(true);
        password.setWidthFull();
        PasswordField again = new PasswordField("New password, again");
        again.setRequiredIndicatorVisible(true);
        again.setAutocomplete(Autocomplete.NEW_PASSWORD);
        again.setWidthFull();
        Button set = new Button("Set password");
        set.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        set.addClickShortcut(Key.ENTER);
        set.addClickListener(e -> {
            password.setInvalid(false);
            again.setInvalid(false);
            if (!password.getValue().equals(again.getValue())) {
                again.setInvalid(true);
                again.setErrorMessage("The two passwords differ");
                return;
            }
            switch (accounts.redeem(token, password.getValue(), clientAddress())) {
                case PasswordSet(var email) -> finish("Your password is set. Sign in with " + email + ".",
                        new RouterLink("Sign in", LoginView.class));
                case WeakPassword(var problem) -> {
                    password.setInvalid(true);
                    password.setErrorMessage(Character.toUpperCase(problem.charAt(0)) + problem.substring(1) + ".");
                }
                case InvalidLink() -> finish("This link does not work: it was used already, a newer one was sent, "
                        + "or it has expired. Ask for a new one.", new RouterLink("Forgot password?", ForgotPasswordView.class));
                case Throttled(var retryAfter) -> status.setText("Too many failed links from this network. Try again in "
                        + Math.max(1, (retryAfter.toSeconds() + 59) / 60) + " min.");
            }
        });
        form.add(password, again, set);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        token = event.getRouteParameters().get("token").orElse("");
    }
}
