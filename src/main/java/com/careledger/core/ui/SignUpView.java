package com.careledger.core.ui;

import com.careledger.core.ui.i18n.LanguageChoice;
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
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;

/**
 * A patient creates their own sign-in: email address and name here, the password through the link mailed to that
 * address (so only the mailbox's owner chooses it). The answer is the same for an address that has an account
 * already; that address gets a "you already have an account" message instead.
 */
@Route(value = "sign-up", autoLayout = false)
@AnonymousAllowed
public class SignUpView extends AccountPage {

    public SignUpView(AccountRepository accounts, LanguageChoice languages) {
        super("sign-up.heading", "sign-up.intro", languages);
        TextField name = new TextField(getTranslation("sign-up.name"));
        name.setRequiredIndicatorVisible(true);
        name.setAutocomplete(Autocomplete.NAME);
        name.setAutofocus(true);
        name.setMaxLength(200);
        name.setWidthFull();
        EmailField email = new EmailField(getTranslation("account.email"));
        email.setRequiredIndicatorVisible(true);
        email.setAutocomplete(Autocomplete.EMAIL);
        email.setWidthFull();
        Button create = new Button(getTranslation("sign-up.create"));
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        create.addClickShortcut(Key.ENTER);
        create.addClickListener(e -> {
            name.setInvalid(false);
            email.setInvalid(false);
            switch (accounts.signUpPatient(email.getValue(), name.getValue(), clientAddress())) {
                case Accepted() -> finish(getTranslation("sign-up.sent"));
                case InvalidEmail() -> {
                    email.setInvalid(true);
                    email.setErrorMessage(getTranslation("account.email.invalid"));
                }
                case InvalidName() -> {
                    name.setInvalid(true);
                    name.setErrorMessage(getTranslation("sign-up.name.invalid"));
                }
                case TooManyRequests(var retryAfter) -> status.setText(tryAgainIn("account.too-many", retryAfter));
            }
        });
        form.add(name, email, create);
    }
}
