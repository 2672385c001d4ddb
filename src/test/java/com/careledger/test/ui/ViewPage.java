package com.careledger.test.ui;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A page object of one view: where it is, who opens it (nobody signed in when {@code user} is null), and what on it
 * says the view has drawn (a CSS selector the test waits for, never a pause). {@link #ALL} lists every view of the
 * portal; {@code ViewCatalogTest} fails when a routed view is missing from it, so a new view cannot skip the sweep.
 */
public record ViewPage(String name, Class<?> view, @Nullable DemoUser user, String path, String ready) {

    public static final List<ViewPage> ALL = List.of(
            new ViewPage("login", com.careledger.core.ui.LoginView.class, null, "/login", "vaadin-login-form"),
            new ViewPage("forgot-password", com.careledger.core.ui.ForgotPasswordView.class, null, "/forgot-password",
                    ".account-card vaadin-email-field"),
            new ViewPage("sign-up", com.careledger.core.ui.SignUpView.class, null, "/sign-up",
                    ".account-card vaadin-email-field"),
            new ViewPage("set-password", com.careledger.core.ui.SetPasswordView.class, null,
                    "/set-password/not-a-real-token", ".account-card vaadin-password-field"),
            new ViewPage("facilities", com.careledger.facility.ui.FacilitiesView.class, DemoUser.SUPER_ADMIN,
                    "/admin/facilities", "#facilities vaadin-grid-cell-content"),
            new ViewPage("my-facility", com.careledger.facility.ui.MyFacilityView.class, DemoUser.FACILITY_ADMIN,
                    "/facility", "#money-owed"),
            new ViewPage("staff-today", com.careledger.staff.ui.StaffHomeView.class, DemoUser.STAFF, "/staff",
                    "#staff-facility"),
            new ViewPage("patient-home", com.careledger.patient.ui.PatientHomeView.class, DemoUser.PATIENT, "/patient",
                    ".page h1"),
            new ViewPage("not-found", com.careledger.core.ui.NotFoundView.class, DemoUser.STAFF, "/no-such-page",
                    ".not-found-view h1"),
            new ViewPage("access-denied", com.careledger.core.ui.AccessDeniedView.class, DemoUser.STAFF,
                    "/admin/facilities", ".access-denied-view h1"));

    /** Whether a signed-in user opens it (in the frame with the drawer). */
    public boolean signedIn() {
        return user != null;
    }
}
