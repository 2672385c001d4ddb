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
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;

/**
 * A patient creates their own sign-in: email address and name here, the password through the link mailed to that
 * address (so only the mailbox's owner chooses it). The answer is the same for an address that has an account
 * already; that address gets a "you already have an account" message instead.
 */
@Route(value = "sign-up", autoLayout = false)
@PageTitle("Create a patient account · CareLedger")
@AnonymousAllowed
public class SignUpView extends AccountPage {

    static final String SENT = "Check your mail: we have sent a message to this address with the next step. "
            + "A link to choose your password works once, for 24 hours.";

    public SignUpView(AccountRepository accounts) {
        super("Create a patient account", "See your bills, appointments and health card. "
                + "We will mail you a link to choose your password.");
        TextField name = new TextField("Full name");
        name.setRequiredIndicatorVisible(true);
        name.setAutocomplete(Autocomplete.NAME);
        name.setAutofocus(true);
        name.setMaxLength(200);
        name.setWidthFull();
        EmailField email = new EmailField("Email");
        email.setRequiredIndicatorVisible(true);
        email.setAutocomplete(Autocomplete.EMAIL);
        email.setWidthFull();
        Button create = new Button("Create account");
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        create.addClickShortcut(Key.ENTER);
        create.addClickListener(e -> {
            name.setInvalid(false);
            email.setInvalid(false);
            switch (accounts.signUpPatient(email.getValue(), name.getValue(), clientAddress())) {
                case Accepted() -> finish(SENT);
                case InvalidEmail() -> {
                    email.setInvalid(true);
                    email.setErrorMessage("Enter an email address, such as name@example.in");
                }
                case InvalidName() -> {
                    name.setInvalid(true);
                    name.setErrorMessage("Enter your name: plain text of at most 200 characters");
                }
                case TooManyRequests(var retryAfter) -> status.setText(
                        "Too many requests for this address or from this network. Try again in "
                                + Math.max(1, (retryAfter.toSeconds() + 59) / 60) + " min.");
            }
        });
        form.add(name, email, create);
    }
}
