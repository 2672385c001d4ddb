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
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;

/**
 * "Forgot password?": takes an email address and always answers the same, whether the address has an account or not;
 * the database queues the request and the notification sender mails a link to an address that has one.
 */
@Route(value = "forgot-password", autoLayout = false)
@AnonymousAllowed
public class ForgotPasswordView extends AccountPage {

    public ForgotPasswordView(AccountRepository accounts, LanguageChoice languages) {
        super("forgot.heading", "forgot.intro", languages);
        EmailField email = new EmailField(getTranslation("account.email"));
        email.setRequiredIndicatorVisible(true);
        email.setAutocomplete(Autocomplete.EMAIL);
        email.setAutofocus(true);
        email.setWidthFull();
        Button send = new Button(getTranslation("forgot.send"));
        send.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        send.addClickShortcut(Key.ENTER);
        send.addClickListener(e -> {
            switch (accounts.requestPasswordReset(email.getValue(), clientAddress())) {
                case Accepted() -> finish(getTranslation("forgot.sent"));
                case InvalidEmail() -> {
                    email.setInvalid(true);
                    email.setErrorMessage(getTranslation("account.email.invalid"));
                }
                case TooManyRequests(var retryAfter) -> status.setText(tryAgainIn("account.too-many", retryAfter));
                case InvalidName() -> finish(getTranslation("forgot.sent"));
            }
        });
        form.add(email, send);
    }
}
