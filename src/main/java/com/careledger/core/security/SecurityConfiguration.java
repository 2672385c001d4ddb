package com.careledger.core.security;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Password sign-in: users from {@link LoginRepository}, passwords checked through the {@link LoginThrottle}. The web's
 * filter chain (Vaadin's security configurer, the sign-in view) is {@code core.ui.ViewSecurityConfiguration}.
 */
@Configuration
class SecurityConfiguration {

    /** {bcrypt} by default; {argon2} and the other Spring Security encodings verify too. */
    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    AuthenticationProvider authenticationProvider(LoginRepository logins, PasswordEncoder encoder, LoginThrottle throttle) {
        DaoAuthenticationProvider passwords = new DaoAuthenticationProvider(email -> logins.findByEmail(email)
                .orElseThrow(() -> new UsernameNotFoundException("No such user")));
        passwords.setPasswordEncoder(encoder);
        return new ThrottlingAuthenticationProvider(passwords, throttle);
    }
}
