package com.careledger.core.ui;

import com.careledger.core.security.AccountRepository;
import com.careledger.core.security.AccountRepository.Accepted;
import com.careledger.core.security.AccountRepository.InvalidEmail;
import com.careledger.core.security.AccountRepository.InvalidName;
import com.careledger.core.security.AccountRepository.TooManyRequests;
import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.textfield.Autocomplete;
import com.vaadin.flow.component.textfield.EmailField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;

/**
 * "Forgot password?": takes an email address and always answers the same, whether the address has an account or not;
 * the database queues the request and the notification sender mails a link to an address that has one.
 */
@Route(value = "forgot-password", autoLayout = false)
@PageTitle("Forgot password · CareLedger")
@AnonymousAllowed
public class ForgotPasswordView extends AccountPage {

    static final String SENT = "If an account exists for this address, we have sent a link to it. "
            + "The link works once, for 30 minutes.";

    public ForgotPasswordView(AccountRepository accounts) {
        super("Forgot password?", "Enter the email address you sign in with. We will send you a link to set a new password.");
        EmailField email = new EmailField("Email");
        email.setRequiredIndicatorVisible(true);
        email.setAutocomplete(Autocomplete.EMAIL);
        email.setAutofocus(true);
        email.setWidthFull();
        Button send = new Button("Send link");
        send.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        send.addClickShortcut(Key.ENTER);
        send.addClickListener(e -> {
            switch (accounts.requestPasswordReset(email.getValue(), clientAddress())) {
                case Accepted() -> finish(SENT);
                case InvalidEmail() -> {
                    email.setInvalid(true);
                    email.setErrorMessage("Enter an email address, such as name@example.in");
                }
                case TooManyRequests(var retryAfter) -> status.setText(
                        "Too many requests for this address or from this network. Try again in "
                                + Math.max(1, (retryAfter.toSeconds() + 59) / 60) + " min.");
                case InvalidName() -> finish(SENT);
            }
        });
        form.add(email, send);
    }
}
