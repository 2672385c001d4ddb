package com.careledger.test.ui;

import com.careledger.test.TestDatabase;

/** The demo sign-in of each role (db/demo), and the page each lands on. */
public enum DemoUser {

    SUPER_ADMIN("superadmin@careledger.test", "/admin/facilities"),
    FACILITY_ADMIN("admin@sanjeevani.test", "/facility"),
    STAFF("billing@sanjeevani.test", "/staff"),
    PATIENT("patient.anil@careledger.test", "/patient");

    public final String email;
    public final String landing;

    DemoUser(String email, String landing) {
        this.email = email;
        this.landing = landing;
    }

    public String password() {
        return TestDatabase.DEMO_PASSWORD;
    }
}
