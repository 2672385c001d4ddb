package com.careledger.core.security;

import com.careledger.core.db.DbContext;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.security.web.authentication.logout.LogoutHandler;

/**
 * Password sign-in, decided by the database ({@link SignInRepository}: throttling, the password check, the session),
 * and sign-out, which ends the session there too. The portal hashes no password: one is set only through a mailed link,
 * by the database ({@link AccountRepository}). The web's filter chain (Vaadin's security configurer, the sign-in view)
 * is {@code core.ui.ViewSecurityConfiguration}.
 */
@Configuration
class SecurityConfiguration {

    @Bean
    AuthenticationProvider authenticationProvider(SignInRepository signIns) {
        return new AuthenticationProvider() {
            @Override
            public Authentication authenticate(Authentication authentication) throws AuthenticationException {
                String email = authentication.getName() == null ? "" : authentication.getName();
                String password = authentication.getCredentials() == null ? "" : authentication.getCredentials().toString();
                String address = authentication.getDetails() instanceof WebAuthenticationDetails web
                        && web.getRemoteAddress() != null ? web.getRemoteAddress() : "unknown";
                return switch (signIns.signIn(email, password, address)) {
                    case SignInRepository.SignedIn(CareLedgerUser user) ->
                            UsernamePasswordAuthenticationToken.authenticated(user, null, user.getAuthorities());
                    case SignInRepository.Throttled(var retryAfter) -> throw new LoginThrottledException(retryAfter);
                    case SignInRepository.Disabled() -> throw new DisabledException("The account is disabled");
                    case SignInRepository.BadCredentials() -> throw new BadCredentialsException("Bad credentials");
                };
            }

            @Override
            public boolean supports(Class<?> authentication) {
                return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
            }
        };
    }

    /** Signing out ends the session in the database, so its token opens nothing any more. */
    @Bean
    LogoutHandler endSessionOnSignOut(SignInRepository signIns) {
        return (request, response, authentication) -> {
            if (authentication != null && authentication.getPrincipal() instanceof CareLedgerUser user) {
                // for nobody: the session may have ended already, and signing out needs no context
                DbContext.runAs(DbContext.NONE, () -> signIns.signOut(user.sessionToken()));
            }
        };
    }
}
