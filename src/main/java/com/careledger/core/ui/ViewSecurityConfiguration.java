package com.careledger.core.ui;

import com.vaadin.flow.spring.security.VaadinSecurityConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The web's security filter chain, with Vaadin's security configurer: every view needs an access annotation (views
 * without one are denied), sign-in is {@link LoginView}, and the session id changes at sign-in (Spring Security's
 * session-fixation default). How passwords are checked is {@code core.security}'s.
 */
@Configuration
@EnableWebSecurity
class ViewSecurityConfiguration {

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
        return http
                .with(VaadinSecurityConfigurer.vaadin(), vaadin -> vaadin.loginView(LoginView.class))
                .sessionManagement(session -> session.sessionFixation(fixation -> fixation.changeSessionId()))
                .build();
    }
}
