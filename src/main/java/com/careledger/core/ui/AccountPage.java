package com.careledger.core.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Main;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.server.VaadinRequest;

/**
 * The frame of the public account pages (forgotten password, setting a password with a link, patient sign-up): the
 * sign-in page's look, a heading, a form, a status line that screen readers announce, and a way back to sign-in.
 */
abstract class AccountPage extends Main {

    /** Announced when it changes (role status): the page's answer. */
    protected final Paragraph status = new Paragraph();

    protected final VerticalLayout form = new VerticalLayout();

    /** What to do next, shown with the answer. */
    private final Div next = new Div();

    AccountPage(String heading, String introduction) {
        addClassName("login-view");
        status.getElement().setAttribute("role", "status");
        status.addClassName("account-status");
        form.setPadding(false);
        form.setSpacing(true);
        Div card = new Div(new H1(heading), new Paragraph(introduction), form, status, next,
                new RouterLink("Back to sign-in", LoginView.class));
        card.addClassName("account-card");
        add(card);
    }

    /** Shows the page's answer in place of the form. */
    protected void finish(String message, Component... next) {
        form.setVisible(false);
        status.setText(message);
        this.next.add(next);
    }

    /** The client's address, which the database throttles requests and failed links by. */
    protected static String clientAddress() {
        VaadinRequest request = VaadinRequest.getCurrent();
        String address = request == null ? null : request.getRemoteAddr();
        return address == null || address.isBlank() ? "unknown" : address;
    }
}
