package com.careledger.core.ui;

import java.time.Duration;

import com.careledger.core.ui.i18n.LanguageChoice;
import com.careledger.core.ui.i18n.LanguageSwitch;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Main;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.server.VaadinRequest;

/**
 * The frame of the public account pages (forgotten password, setting a password with a link, patient sign-up): the
 * sign-in page's look, the language switcher, a heading, a form, a status line that screen readers announce, and a
 * way back to sign-in. Headings and texts are translation keys.
 */
abstract class AccountPage extends Main implements HasDynamicTitle {

    /** Announced when it changes (role status): the page's answer. */
    protected final Paragraph status = new Paragraph();
    protected final VerticalLayout form = new VerticalLayout();
    /** What to do next, shown with the answer. */
    private final Div next = new Div();
    private final String headingKey;

    AccountPage(String headingKey, String introductionKey, LanguageChoice languages) {
        this.headingKey = headingKey;
        addClassName("login-view");
        status.getElement().setAttribute("role", "status");
        status.addClassName("account-status");
        form.setPadding(false);
        form.setSpacing(true);
        Div corner = new Div(new LanguageSwitch(languages));
        corner.addClassName("login-corner");
        Div card = new Div(new H1(getTranslation(headingKey)), new Paragraph(getTranslation(introductionKey)), form,
                status, next, new RouterLink(getTranslation("account.back-to-sign-in"), LoginView.class));
        card.addClassName("account-card");
        add(corner, card);
    }

    @Override
    public String getPageTitle() {
        return getTranslation("app.page-title", getTranslation(headingKey));
    }

    /** Shows the page's answer in place of the form. */
    protected void finish(String message, Component... next) {
        form.setVisible(false);
        status.setText(message);
        this.next.add(next);
    }

    /** "Try again in 5 min." for a refusal that lasts as long as given, at least a minute. */
    protected String tryAgainIn(String key, Duration retryAfter) {
        return getTranslation(key, Math.max(1, (retryAfter.toSeconds() + 59) / 60));
    }

    /** The client's address, which the database throttles requests and failed links by. */
    protected static String clientAddress() {
        VaadinRequest request = VaadinRequest.getCurrent();
        String address = request == null ? null : request.getRemoteAddr();
        return address == null || address.isBlank() ? "unknown" : address;
    }
}
