package com.careledger.core.ui;

import com.vaadin.flow.spring.security.RequestUtil;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import com.vaadin.flow.spring.security.VaadinSecurityConfigurer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.logout.LogoutHandler;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;

/**
 * The web's security filter chain, with Vaadin's security configurer: every view needs an access annotation (views
 * without one are denied), sign-in is {@link LoginView}, and the session id changes at sign-in (Spring Security's
 * session-fixation default). How passwords are checked is {@code core.security}'s.
 *
 * <p>Beyond Vaadin's defaults: the sign-in form's POST needs the CSRF token the page carries (Vaadin's configurer
 * exempts its login path; here only Vaadin's own requests are exempt, which carry Vaadin's token instead), every
 * response carries {@link #CONTENT_SECURITY_POLICY}, {@code Referrer-Policy: same-origin}, {@code nosniff},
 * {@code X-Frame-Options: DENY} and {@code Cache-Control: no-cache, no-store, ...}, and redirects are made relative
 * ({@link RelativeRedirectFilter}).
 */
@Configuration
@EnableWebSecurity
class ViewSecurityConfiguration {

    /**
     * What Vaadin Flow needs and no more: its bootstrap page starts the client engine with an inline script and the
     * engine evaluates the JavaScript the server sends ({@code 'unsafe-inline' 'unsafe-eval'}); components set inline
     * styles. Everything else comes from the portal's own origin; nothing may frame it, embed plugins, rebase its
     * links or post forms elsewhere.
     */
    static final String CONTENT_SECURITY_POLICY = String.join("; ",
            "default-src 'self'",
            "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'");

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http, RequestUtil vaadinRequests, LogoutHandler endSession)
            throws Exception {
        return http
                .with(VaadinSecurityConfigurer.vaadin(), vaadin -> vaadin
                        .loginView(LoginView.class)
                        .enableCsrfConfiguration(false))
                // a failed sign-in returns to the form with the email that was tried
                .formLogin(form -> form.failureHandler(new SignInFailure()))
                .csrf(csrf -> csrf.ignoringRequestMatchers(vaadinRequests::isFrameworkInternalRequest))
                // signing out ends the session in the database too (core.security)
                .logout(logout -> logout.addLogoutHandler(endSession))
                // eagerly: Vaadin commits its pages in a way Spring Security's on-commit writer misses
                .headers(headers -> headers
                        .withObjectPostProcessor(new ObjectPostProcessor<HeaderWriterFilter>() {
                            @Override
                            public <F extends HeaderWriterFilter> F postProcess(F filter) {
                                filter.setShouldWriteHeadersEagerly(true);
                                return filter;
                            }
                        })
                        .contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.SAME_ORIGIN))
                        .frameOptions(frame -> frame.deny()))
                // the error page of a refused request (a missing CSRF token: 403) is shown, not sent to sign-in;
                // an address that is no page reaches the portal for a signed-in user, who gets the not-found page in
                // the frame (Vaadin's own rule refuses it with a bare 403), and sends anybody else to sign-in. These
                // rules come before Vaadin's, which end in "deny every other request"
                .authorizeHttpRequests(requests -> requests
                        .dispatcherTypeMatchers(DispatcherType.ERROR).permitAll()
                        .requestMatchers(request -> isUnknownAddress(request, vaadinRequests)).authenticated())
                .sessionManagement(session -> session.sessionFixation(fixation -> fixation.changeSessionId()))
                .build();
    }

    /**
     * A page the browser navigates to (a GET asking for HTML: style sheets, scripts, fonts and images ask for other
     * kinds and keep Vaadin's rules) at an address that is neither one of Vaadin's routes nor its own requests.
     */
    static boolean isUnknownAddress(HttpServletRequest request, RequestUtil vaadinRequests) {
        String accept = request.getHeader(HttpHeaders.ACCEPT);
        return HttpMethod.GET.matches(request.getMethod())
                && accept != null && accept.contains("text/html")
                && !VaadinSecurityConfigurer.getDefaultHttpSecurityPermitMatcher().matches(request)
                && !vaadinRequests.isFrameworkInternalRequest(request)
                && !vaadinRequests.isAnonymousRoute(request)
                && !vaadinRequests.isSecuredFlowRoute(request);
    }

    /** Runs before Spring Security, so that its redirects (to sign-in, after sign-in) are made relative too. */
    @Bean
    FilterRegistrationBean<RelativeRedirectFilter> relativeRedirects() {
        var registration = new FilterRegistrationBean<>(new RelativeRedirectFilter());
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }
}
