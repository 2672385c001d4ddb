package com.careledger.core.ui;

import java.io.IOException;
import java.util.Optional;

import com.vaadin.flow.server.WrappedSession;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.authentication.SimpleUrlAuthenticationFailureHandler;

/**
 * A failed sign-in goes back to the form ({@code /login?error}) with the email that was tried, so the person corrects
 * the password instead of typing both again. The email waits in the HTTP session (never in the address, never in a
 * log) and is read once.
 */
class SignInFailure extends SimpleUrlAuthenticationFailureHandler {

    static final String TRIED_EMAIL = SignInFailure.class.getName() + ".email";

    SignInFailure() {
        super("/login?error");
    }

    @Override
    public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
                                        AuthenticationException exception) throws IOException, ServletException {
        String email = request.getParameter("username");
        if (email != null && !email.isBlank() && email.length() <= 320) {
            request.getSession().setAttribute(TRIED_EMAIL, email.strip());
        }
        super.onAuthenticationFailure(request, response, exception);
    }

    /** The email of the last failed try, once. */
    static Optional<String> triedEmail(WrappedSession session) {
        Object email = session.getAttribute(TRIED_EMAIL);
        session.removeAttribute(TRIED_EMAIL);
        return Optional.ofNullable(email instanceof String s ? s : null);
    }
}
