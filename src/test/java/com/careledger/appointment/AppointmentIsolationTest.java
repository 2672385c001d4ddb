package com.careledger.appointment;

import static com.careledger.test.TestDatabase.ANIL_AT_AROGYA;
import static com.careledger.test.TestDatabase.ANIL_AT_SANJEEVANI;
import static com.careledger.test.TestDatabase.AROGYA;
import static com.careledger.test.TestDatabase.AROGYA_ADMIN;
import static com.careledger.test.TestDatabase.AROGYA_CONSULTATION;
import static com.careledger.test.TestDatabase.DR_NEHA;
import static com.careledger.test.TestDatabase.DR_SUNIL;
import static com.careledger.test.TestDatabase.PATIENT_ANIL;
import static com.careledger.test.TestDatabase.RAHUL_AT_AROGYA;
import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_ADMIN;
import static com.careledger.test.TestDatabase.SANJEEVANI_BILLING;
import static com.careledger.test.TestDatabase.SANJEEVANI_CONSULTATION;
import static com.careledger.test.TestDatabase.SANJEEVANI_DOCTOR;
import static com.careledger.test.TestDatabase.SUNITA_AT_SANJEEVANI;
import static com.careledger.test.TestDatabase.SUPER_ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.UUID;

import com.careledger.test.AppSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tenant isolation of appointments and their clinical notes (the policies on appointments and appointment_notes) over
 * the demo data: a facility sees only its own, a patient only their own, no context nothing; writes into another
 * facility are refused; notes need the clinical permissions. Each test rolls back.
 */
class AppointmentIsolationTest {

    /** Demo appointments today: Anil at Sanjeevani with Dr. Sunil, Anil at Arogya with Dr. Neha. */
    private static final UUID ANIL_TODAY_AT_SANJEEVANI = UUID.fromString("a9900000-0000-4000-8000-000000000101");
    private static final UUID ANIL_TODAY_AT_AROGYA = UUID.fromString("a9900000-0000-4000-8000-000000000201");

    private AppSession app;

    @BeforeEach
    void open() throws SQLException {
        app = AppSession.open();
    }

    @AfterEach
    void rollBack() throws SQLException {
        app.close();
    }

    @Test
    void withoutContextNoAppointmentOrNoteIsVisible() throws SQLException {
        assertThat(app.count("select count(*) from appointments")).isZero();
        assertThat(app.count("select count(*) from appointment_notes")).isZero();
    }

    @Test
    void aFacilityAdminSeesTheirFacilitysAppointmentsAndNoneOfAnother() throws SQLException {
        app.as(SANJEEVANI_ADMIN, SANJEEVANI);
        assertThat(app.count("select count(*) from appointments")).isPositive();
        assertThat(app.strings("select distinct facility_id::text from appointments")).containsExactly(SANJEEVANI.toString());
        assertThat(app.count("select count(*) from appointments where facility_id = ?", AROGYA)).isZero();
        assertThat(app.count("select count(*) from appointments where id = ?", ANIL_TODAY_AT_AROGYA)).isZero();
    }

    @Test
    void theSuperAdminSeesEveryFacilityOrTheOneEntered() throws SQLException {
        app.as(SUPER_ADMIN, null);
        assertThat(app.strings("select distinct facility_id::text from appointments order by 1"))
                .contains(SANJEEVANI.toString(), AROGYA.toString());
        app.as(SUPER_ADMIN, AROGYA);
        assertThat(app.strings("select distinct facility_id::text from appointments")).containsExactly(AROGYA.toString());
    }

    @Test
    void aPatientSeesOnlyTheirOwnAppointmentsAtEveryFacility() throws SQLException {
        app.as(PATIENT_ANIL, null);
        assertThat(app.strings("select distinct patient_id::text from appointments order by 1"))
                .containsExactlyInAnyOrder(ANIL_AT_SANJEEVANI.toString(), ANIL_AT_AROGYA.toString());
        assertThat(app.count("select count(*) from appointments where patient_id in (?, ?)", SUNITA_AT_SANJEEVANI, RAHUL_AT_AROGYA))
                .isZero();
    }

    @Test
    void aPatientCannotBookOrChangeAppointments() throws SQLException {
        app.as(PATIENT_ANIL, null);
        OffsetDateTime slot = tomorrowAt(15, 0);
        assertThat(app.failure(BOOK, SANJEEVANI, slot, ANIL_AT_SANJEEVANI, SANJEEVANI_CONSULTATION, DR_SUNIL, slot, slot))
                .hasMessageContaining("row-level security");
        assertThat(app.update("update appointments set status = 'cancelled' where id = ?", ANIL_TODAY_AT_SANJEEVANI)).isZero();
    }

    @Test
    void writesIntoAnotherFacilityAreRefused() throws SQLException {
        app.as(SANJEEVANI_ADMIN, SANJEEVANI);
        OffsetDateTime slot = tomorrowAt(15, 0);
        assertThat(app.failure(BOOK, AROGYA, slot, RAHUL_AT_AROGYA, AROGYA_CONSULTATION, DR_NEHA, slot, slot))
                .hasMessageContaining("row-level security");
        assertThat(app.update("update appointments set status = 'cancelled' where id = ?", ANIL_TODAY_AT_AROGYA)).isZero();
        assertThat(app.failure("update appointments set facility_id = ? where id = ?", AROGYA, ANIL_TODAY_AT_SANJEEVANI))
                .hasMessageContaining("keeps its id, facility");
        app.as(AROGYA_ADMIN, AROGYA);
        assertThat(app.string("select status::text from appointments where id = ?", ANIL_TODAY_AT_AROGYA)).isEqualTo("booked");
    }

    @Test
    void bookingNeedsAppointmentsManageAndIsRecordedAsTheCurrentUser() throws SQLException {
        OffsetDateTime slot = tomorrowAt(15, 0);
        app.as(SANJEEVANI_BILLING, SANJEEVANI);
        assertThat(app.count("select count(*) from appointments")).as("billing sees appointments").isPositive();
        assertThat(app.failure(BOOK, SANJEEVANI, slot, ANIL_AT_SANJEEVANI, SANJEEVANI_CONSULTATION, DR_SUNIL, slot, slot))
                .hasMessageContaining("row-level security");
        app.as(SANJEEVANI_ADMIN, SANJEEVANI);
        assertThat(app.failure("""
                insert into appointments (facility_id, starts_on, patient_id, service_id, staff_id, starts_at, ends_at, booked_by)
                values (?, (?::timestamptz at time zone 'Asia/Kolkata')::date, ?, ?, null, ?, ?::timestamptz + interval '5 minutes', ?)""",
                SANJEEVANI, slot, ANIL_AT_SANJEEVANI, SANJEEVANI_CONSULTATION, slot, slot, SANJEEVANI_BILLING))
                .hasMessageContaining("row-level security");
        UUID id = app.book(SANJEEVANI, ANIL_AT_SANJEEVANI, SANJEEVANI_CONSULTATION, DR_SUNIL, slot, 15);
        assertThat(app.string("select booked_by::text from appointments where id = ?", id)).isEqualTo(SANJEEVANI_ADMIN.toString());
    }

    @Test
    void notesAreReadAndWrittenOnlyWithClinicalPermissions() throws SQLException {
        String write = "insert into appointment_notes (facility_id, appointment_id, body) values (?, ?, ?)";
        app.as(SANJEEVANI_DOCTOR, SANJEEVANI);
        assertThat(app.update(write, SANJEEVANI, ANIL_TODAY_AT_SANJEEVANI, "Fever 3 days; advised CBC.")).isOne();
        assertThat(app.strings("select body from appointment_notes where appointment_id = ?", ANIL_TODAY_AT_SANJEEVANI))
                .containsExactly("Fever 3 days; advised CBC.");

        for (UUID[] who : new UUID[][] {{SANJEEVANI_ADMIN, SANJEEVANI}, {SANJEEVANI_BILLING, SANJEEVANI},
                {AROGYA_ADMIN, AROGYA}, {PATIENT_ANIL, null}, {SUPER_ADMIN, null}}) {
            app.as(who[0], who[1]);
            assertThat(app.count("select count(*) from appointment_notes")).as("notes seen by %s", who[0]).isZero();
        }
        app.as(SANJEEVANI_ADMIN, SANJEEVANI);
        assertThat(app.failure(write, SANJEEVANI, ANIL_TODAY_AT_SANJEEVANI, "An admin's note"))
                .hasMessageContaining("row-level security");
        // the admin reads the audit log: it shows that the doctor wrote a note, not what it says
        assertThat(app.strings("""
                select actor_user_id || ' ' || (new_values ->> 'body') from audit_log
                where table_name = 'appointment_notes' and new_values ->> 'appointment_id' = ?""",
                ANIL_TODAY_AT_SANJEEVANI.toString())).containsExactly(SANJEEVANI_DOCTOR + " [clinical]");
    }

    @Test
    void aNoteCannotPointAtAnotherFacilitysAppointmentNorBeChanged() throws SQLException {
        app.as(SANJEEVANI_DOCTOR, SANJEEVANI);
        assertThat(app.failure("insert into appointment_notes (facility_id, appointment_id, body) values (?, ?, 'x')",
                SANJEEVANI, ANIL_TODAY_AT_AROGYA)).hasMessageContaining("does not exist in this facility");
        app.update("insert into appointment_notes (facility_id, appointment_id, body) values (?, ?, 'BP 130/85')",
                SANJEEVANI, ANIL_TODAY_AT_SANJEEVANI);
        assertThat(app.failure("update appointment_notes set body = 'edited'")).hasMessageContaining("permission denied");
        assertThat(app.failure("delete from appointment_notes")).hasMessageContaining("permission denied");
    }

    private static final String BOOK = """
            insert into appointments (facility_id, starts_on, patient_id, service_id, staff_id, starts_at, ends_at)
            values (?, (?::timestamptz at time zone 'Asia/Kolkata')::date, ?, ?, ?, ?, ?::timestamptz + interval '15 minutes')""";

    private OffsetDateTime tomorrowAt(int hour, int minute) throws SQLException {
        return app.istToday().plusDays(1).atTime(LocalTime.of(hour, minute)).atZone(ZoneId.of("Asia/Kolkata")).toOffsetDateTime();
    }
}
