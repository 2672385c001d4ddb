package com.careledger.core.ui;

import com.careledger.core.db.SignInEndedException;
import com.vaadin.flow.component.html.Main;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.ErrorParameter;
import com.vaadin.flow.router.HasErrorParameter;
import com.vaadin.flow.server.DefaultErrorHandler;
import com.vaadin.flow.server.ErrorEvent;
import com.vaadin.flow.server.ServiceInitEvent;
import com.vaadin.flow.server.VaadinServiceInitListener;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import com.vaadin.flow.spring.annotation.SpringComponent;
import com.vaadin.flow.spring.security.AuthenticationContext;

import jakarta.servlet.http.HttpServletResponse;

/**
 * When the database no longer accepts a user's session (signed out elsewhere, revoked by an admin, expired, the user
 * or the facility suspended), the next request that touches the database signs the user out here too and goes to the
 * sign-in page: while a page opens (this error view) and in a click or other event (the session's error handler).
 */
@AnonymousAllowed
public class SignInEnded extends Main implements HasErrorParameter<SignInEndedException> {

    private final transient AuthenticationContext authentication;

    public SignInEnded(AuthenticationContext authentication) {
        this.authentication = authentication;
    }

    @Override
    public int setErrorParameter(BeforeEnterEvent event, ErrorParameter<SignInEndedException> parameter) {
        authentication.logout();
        return HttpServletResponse.SC_UNAUTHORIZED;
    }

    static boolean causedBy(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SignInEndedException) {
                return true;
            }
        }
        return false;
    }

    /** The same for events: a click whose work the database refused to begin signs the user out. */
    @SpringComponent
    static class Listener implements VaadinServiceInitListener {

        private final AuthenticationContext authentication;

        Listener(AuthenticationContext authentication) {
            this.authentication = authentication;
        }

        @Override
        public void serviceInit(ServiceInitEvent event) {
            event.getSource().addSessionInitListener(init -> init.getSession().setErrorHandler(new DefaultErrorHandler() {
                @Override
                public void error(ErrorEvent error) {
                    if (causedBy(error.getThrowable())) {
                        authentication.logout();
                    } else {
                        super.error(error);
                    }
                }
            }));
        }
    }
}
