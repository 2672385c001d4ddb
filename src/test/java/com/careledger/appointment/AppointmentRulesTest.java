package com.careledger.appointment;

import static com.careledger.test.TestDatabase.ANIL_AT_AROGYA;
import static com.careledger.test.TestDatabase.ANIL_AT_SANJEEVANI;
import static com.careledger.test.TestDatabase.AROGYA_CONSULTATION;
import static com.careledger.test.TestDatabase.DR_NEHA;
import static com.careledger.test.TestDatabase.DR_SUNIL;
import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_ADMIN;
import static com.careledger.test.TestDatabase.SANJEEVANI_CBC;
import static com.careledger.test.TestDatabase.SANJEEVANI_CONSULTATION;
import static com.careledger.test.TestDatabase.SUNITA_AT_SANJEEVANI;
import static com.careledger.test.TestDatabase.SUPER_ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.UUID;

import com.careledger.test.AppSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the database refuses about appointments (app.check_appointment_insert, app.check_appointment_update), as
 * reception at Sanjeevani books them: double booking of a staff member, crossing a partition boundary, changing the
 * partition key, references to another facility, status going backwards. Each test rolls back.
 */
class AppointmentRulesTest {

    private static final ZoneId IST = ZoneId.of("Asia/Kolkata");

    private AppSession app;
    private LocalDate tomorrow;

    @BeforeEach
    void open() throws SQLException {
        app = AppSession.open().as(SANJEEVANI_ADMIN, SANJEEVANI);
        tomorrow = app.istToday().plusDays(1);
    }

    @AfterEach
    void rollBack() throws SQLException {
        app.close();
    }

    @Test
    void aStaffMemberCannotBeBookedTwiceForOverlappingTimes() throws SQLException {
        app.book(SANJEEVANI, ANIL_AT_SANJEEVANI, SANJEEVANI_CONSULTATION, DR_SUNIL, at(tomorrow, 14, 0), 15);
        SQLException e = bookingFails(SUNITA_AT_SANJEEVANI, DR_SUNIL, at(tomorrow, 14, 10), 15);
        assertThat(e.getSQLState()).isEqualTo("23P01");
        assertThat(e.getMessage()).contains("no_double_booking");
    }

    @Test
    void backToBackSlotsAndOtherStaffDoNotConflict() throws SQLException {
        app.book(SANJEEVANI, ANIL_AT_SANJEEVANI, SANJEEVANI_CONSULTATION, DR_SUNIL, at(tomorrow, 14, 0), 15);
        app.book(SANJEEVANI, SUNITA_AT_SANJEEVANI, SANJEEVANI_CONSULTATION, DR_SUNIL, at(tomorrow, 14, 15), 15);
        app.book(SANJEEVANI, SUNITA_AT_SANJEEVANI, SANJEEVANI_CBC, null, at(tomorrow, 14, 0), 10);
        app.book(SANJEEVANI, ANIL_AT_SANJEEVANI, SANJEEVANI_CBC, null, at(tomorrow, 14, 0), 10);
        assertThat(app.count("select count(*) from appointments where starts_on = ? and starts_at >= ? and starts_at < ?",
                tomorrow, at(tomorrow, 14, 0), at(tomorrow, 15, 0))).isEqualTo(4);
    }

    @Test
    void cancelledAndNoShowAppointmentsFreeTheSlot() throws SQLException {
        UUID cancelled = app.book(SANJEEVANI, ANIL_AT_SANJEEVANI, SANJEEVANI_CONSULTATION, DR_SUNIL, at(tomorrow, 14, 0), 30);
        app.update("update appointments set status = 'cancelled' where id = ?", cancelled);
        UUID noShow = app.book(SANJEEVANI, SUNITA_AT_SANJEEVANI, SANJEEVANI_CONSULTATION, DR_SUNIL, at(tomorrow, 14, 0), 30);
        app.update("update appointments set status = 'no_show' where id = ?", noShow);
        app.book(SANJEEVANI, SUNITA_AT_SANJEEVANI, SANJEEVANI_CONSULTATION, DR_SUNIL, at(tomorrow, 14, 10), 15);
        assertThat(bookingFails(ANIL_AT_SANJEEVANI, DR_SUNIL, at(tomorrow, 14, 20), 15).getSQLState()).isEqualTo("23P01");
    }

    @Test
    void doubleBookingIsRefusedInTheDefaultPartitionToo() throws SQLException {
        LocalDate farAhead = tomorrow.plusYears(2);
        UUID first = app.book(SANJEEVANI, ANIL_AT_SANJEEVANI, SANJEEVANI_CONSULTATION, DR_SUNIL, at(farAhead, 9, 0), 15);
        assertThat(app.string("select tableoid::regclass::text from appointments where id = ?", first))
                .isEqualTo("appointments_default");
        assertThat(bookingFails(SUNITA_AT_SANJEEVANI, DR_SUNIL, at(farAhead, 9, 5), 15).getSQLState()).isEqualTo("23P01");
    }

    @Test
    void anAppointmentCannotCrossAnIstMonthBoundary() throws SQLException {
        LocalDate lastOfMonth = tomorrow.withDayOfMonth(tomorrow.lengthOfMonth());
        assertThat(bookingFails(ANIL_AT_SANJEEVANI, DR_SUNIL, at(lastOfMonth, 23, 50), 20).getMessage()).contains("appointments_within_one_ist_month");
        // ending exactly at midnight IST is still inside the month
        app.book(SANJEEVANI, ANIL_AT_SANJEEVANI, SANJEEVANI_CONSULTATION, DR_SUNIL, at(lastOfMonth, 23, 40), 20);
    }

    @Test
    void thePartitionKeyMustBeTheIstDateOfTheStart() throws SQLException {
        // 01:00 IST is 19:30 UTC the day before: the key is the Indian date
        OffsetDateTime earlyMorning = at(tomorrow, 1, 0);
        assertThat(app.failure("""
                insert into appointments (facility_id, starts_on, patient_id, service_id, staff_id, starts_at, ends_at)
                values (?, ?, ?, ?, ?, ?, ?::timestamptz + interval '15 minutes')""",
                SANJEEVANI, tomorrow.minusDays(1), ANIL_AT_SANJEEVANI, SANJEEVANI_CONSULTATION, DR_SUNIL,
                earlyMorning, earlyMorning)).hasMessageContaining("appointments_starts_on_is_ist_date");
        UUID booked = app.book(SANJEEVANI, ANIL_AT_SANJEEVANI, SANJEEVANI_CONSULTATION, DR_SUNIL, earlyMorning, 15);
        assertThat(app.string("select starts_on::text from appointments where id = ?", booked)).isEqualTo(tomorrow.toString());
    }

    @Test
    void theDayOfAnAppointmentNeverChangesButItsTimeWithinTheDayMay() throws SQLException {
        UUID id = app.book(SANJEEVANI, ANIL_AT_SANJEEVANI, SANJEEVANI_CONSULTATION, DR_SUNIL, at(tomorrow, 14, 0), 15);
        assertThat(app.failure("""
                update appointments set starts_on = starts_on + 1, starts_at = starts_at + interval '1 day',
                                        ends_at = ends_at + interval '1 day'
                where id = ?""", id)).hasMessageContaining("keeps its day");
        assertThat(app.failure("""
                update appointments set starts_on = (starts_on + interval '1 month')::date,
                                        starts_at = starts_at + interval '1 month', ends_at = ends_at + interval '1 month'
                where id = ?""", id)).hasMessageContaining("cancel + rebook");
        assertThat(app.update("update appointments set starts_at = starts_at + interval '2 hours',"
                + " ends_at = ends_at + interval '2 hours' where id = ?", id)).isOne();
    }

    @Test
    void reschedulingToAnotherMonthIsCancelPlusRebookLinkedByRescheduledFrom() throws SQLException {
        UUID old = app.book(SANJEEVANI, ANIL_AT_SANJEEVANI, SANJEEVANI_CONSULTATION, DR_SUNIL, at(tomorrow, 14, 0), 15);
        LocalDate nextMonth = tomorrow.plusMonths(1);
        UUID rebooked = UUID.fromString(app.string("select app.reschedule_appointment(?, ?, ?, ?)",
                SANJEEVANI, old, at(nextMonth, 11, 0), at(nextMonth, 11, 15)));
        assertThat(app.string("select status::text from appointments where id = ?", old)).isEqualTo("cancelled");
        assertThat(app.string("select status || ' ' || rescheduled_from || ' ' || starts_on || ' ' || tableoid::regclass"
                + " from appointments where id = ?", rebooked)).isEqualTo("booked " + old + " " + nextMonth
                + " appointments_p" + nextMonth.withDayOfMonth(1).toString().replace("-", ""));
    }

    @Test
    void aRebookingMustReplaceACancelledAppointmentOfTheSamePatient() throws SQLException {
        UUID booked = app.book(SANJEEVANI, ANIL_AT_SANJEEVANI, SANJEEVANI_CONSULTATION, DR_SUNIL, at(tomorrow, 14, 0), 15);
        String rebook = """
                insert into appointments (facility_id, starts_on, patient_id, service_id, staff_id, starts_at, ends_at,
                                          rescheduled_from)
                values (?, ?, ?, ?, null, ?, ?::timestamptz + interval '10 minutes', ?)""";
        OffsetDateTime later = at(tomorrow, 16, 0);
        assertThat(app.failure(rebook, SANJEEVANI, tomorrow, ANIL_AT_SANJEEVANI, SANJEEVANI_CBC, later, later, booked))
                .hasMessageContaining("replaces a cancelled appointment");
        assertThat(app.failure(rebook, SANJEEVANI, tomorrow, ANIL_AT_SANJEEVANI, SANJEEVANI_CBC, later, later, UUID.randomUUID()))
                .hasMessageContaining("does not exist in this facility");
        app.update("update appointments set status = 'cancelled' where id = ?", booked);
        assertThat(app.failure(rebook, SANJEEVANI, tomorrow, SUNITA_AT_SANJEEVANI, SANJEEVANI_CBC, later, later, booked))
                .hasMessageContaining("same patient");
        assertThat(app.update(rebook, SANJEEVANI, tomorrow, ANIL_AT_SANJEEVANI, SANJEEVANI_CBC, later, later, booked)).isOne();
    }

    @Test
    void theStatusMovesForwardOnlyAndOnlyABookedAppointmentChangesItsSlot() throws SQLException {
        UUID id = app.book(SANJEEVANI, ANIL_AT_SANJEEVANI, SANJEEVANI_CONSULTATION, DR_SUNIL, at(tomorrow, 14, 0), 15);
        assertThat(app.failure("update appointments set status = 'in_consultation' where id = ?", id))
                .hasMessageContaining("cannot go from booked to in_consultation");
        assertThat(app.update("update appointments set status = 'checked_in' where id = ?", id)).isOne();
        assertThat(app.failure("update appointments set starts_at = starts_at + interval '1 hour',"
                + " ends_at = ends_at + interval '1 hour' where id = ?", id)).hasMessageContaining("only a booked appointment");
        assertThat(app.update("update appointments set status = 'in_consultation' where id = ?", id)).isOne();
        assertThat(app.update("update appointments set status = 'completed' where id = ?", id)).isOne();
        assertThat(app.failure("update appointments set status = 'booked' where id = ?", id))
                .hasMessageContaining("cannot go from completed to booked");
        assertThat(app.failure("update appointments set patient_id = ? where id = ?", SUNITA_AT_SANJEEVANI, id))
                .hasMessageContaining("keeps its id, facility, patient");
    }

    @Test
    void patientStaffAndServiceMustBelongToTheAppointmentsFacility() throws SQLException {
        app.as(SUPER_ADMIN, null);
        assertThat(app.failure(BOOK, SANJEEVANI, at(tomorrow, 14, 0), ANIL_AT_AROGYA, SANJEEVANI_CONSULTATION, DR_SUNIL,
                at(tomorrow, 14, 0), at(tomorrow, 14, 0))).hasMessageContaining("appointments_patient_fkey");
        assertThat(app.failure(BOOK, SANJEEVANI, at(tomorrow, 14, 0), ANIL_AT_SANJEEVANI, SANJEEVANI_CONSULTATION, DR_NEHA,
                at(tomorrow, 14, 0), at(tomorrow, 14, 0))).hasMessageContaining("appointments_staff_fkey");
        assertThat(app.failure(BOOK, SANJEEVANI, at(tomorrow, 14, 0), ANIL_AT_SANJEEVANI, AROGYA_CONSULTATION, DR_SUNIL,
                at(tomorrow, 14, 0), at(tomorrow, 14, 0))).hasMessageContaining("appointments_service_fkey");
        app.book(SANJEEVANI, ANIL_AT_SANJEEVANI, SANJEEVANI_CONSULTATION, DR_SUNIL, at(tomorrow, 14, 0), 15);
    }

    @Test
    void anAppointmentEndsAfterItStartsAndWithinADay() throws SQLException {
        assertThat(bookingFails(ANIL_AT_SANJEEVANI, DR_SUNIL, at(tomorrow, 14, 0), 0).getMessage()).contains("appointments_ends_after_start");
        assertThat(bookingFails(ANIL_AT_SANJEEVANI, DR_SUNIL, at(tomorrow.withDayOfMonth(1), 0, 0), 25 * 60).getMessage()).contains("appointments_at_most_a_day");
    }

    private static final String BOOK = """
            insert into appointments (facility_id, starts_on, patient_id, service_id, staff_id, starts_at, ends_at)
            values (?, (?::timestamptz at time zone 'Asia/Kolkata')::date, ?, ?, ?, ?, ?::timestamptz + interval '15 minutes')""";

    private SQLException bookingFails(UUID patient, UUID staff, OffsetDateTime startsAt, int minutes) throws SQLException {
        return app.sqlFailure("""
                insert into appointments (facility_id, starts_on, patient_id, service_id, staff_id, starts_at, ends_at)
                values (?, (?::timestamptz at time zone 'Asia/Kolkata')::date, ?, ?, ?, ?::timestamptz,
                        ?::timestamptz + make_interval(mins => ?))""",
                SANJEEVANI, startsAt, patient, SANJEEVANI_CONSULTATION, staff, startsAt, startsAt, minutes);
    }

    private static OffsetDateTime at(LocalDate day, int hour, int minute) {
        return day.atTime(LocalTime.of(hour, minute)).atZone(IST).toOffsetDateTime();
    }
}
