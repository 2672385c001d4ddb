package com.careledger.core.security;

/** Role names for {@code @RolesAllowed} (Spring adds the ROLE_ prefix). */
public final class Roles {
    public static final String SUPER_ADMIN = "SUPER_ADMIN";
    public static final String FACILITY_ADMIN = "FACILITY_ADMIN";
    public static final String STAFF = "STAFF";
    public static final String PATIENT = "PATIENT";

    private Roles() {
    }
}
