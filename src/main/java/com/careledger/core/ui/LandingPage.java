package com.careledger.core.ui;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The annotated view is where users of the given roles go after sign-in (and when they open the root address).
 * {@link HomeView} finds it in the route registry, so the shell names no feature's views. Each role has exactly one
 * landing page, and the view's {@code @RolesAllowed} admits the roles that land on it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface LandingPage {

    /** Role names as in {@link com.careledger.core.security.Roles}. */
    String[] value();
}
