package com.careledger.bench;

import java.sql.SQLException;
import java.time.ZonedDateTime;
import java.util.List;

/**
 * A day's appointments in the clinicians' slots, booked by the facility admin (appointments.manage) as the app
 * role: cancelled, no-show or completed as planned. A medical store has counter sales only, no appointments.
 */
final class AppointmentWriter {

    private final WorkerSql sql;
    private final GeneratedFacility f;

    AppointmentWriter(WorkerSql sql, GeneratedFacility f) {
        this.sql = sql;
        this.f = f;
    }

    /** The visits of day {@code d}, whose slots start at {@code opening}. */
    void write(int d, ZonedDateTime opening, List<Plan.Visit> visits) throws SQLException {
        Catalogue.Type type = f.type();
        if (type.counterSalesOnly()) {
            return;
        }
        sql.context(f.admin(), f.id());
        int n = visits.size();
        Object[] ids = new Object[n], patients = new Object[n], services = new Object[n], staff = new Object[n];
        String[] starts = new String[n], ends = new String[n], statuses = new String[n];
        for (int i = 0; i < n; i++) {
            Plan.Visit v = visits.get(i);
            ZonedDateTime start = opening.plusMinutes((long) v.slot() * type.slotMinutes());
            ids[i] = f.appointment(d, v.n());
            patients[i] = f.patient(v.patient());
            services[i] = f.service(v.service());
            staff[i] = f.clinician(v.clinician());
            starts[i] = start.toOffsetDateTime().toString();
            ends[i] = start.plusMinutes(type.services().get(v.service()).minutes()).toOffsetDateTime().toString();
            statuses[i] = switch (v.outcome()) {
                case CANCELLED -> "cancelled";
                case NO_SHOW -> "no_show";
                case BILLED -> "completed";
            };
        }
        sql.exec("""
                insert into appointments (id, facility_id, starts_on, patient_id, service_id, staff_id, starts_at, ends_at, status)
                select u.id, ?, (u.starts_at at time zone 'Asia/Kolkata')::date, u.patient, u.service, u.staff,
                       u.starts_at, u.ends_at, u.status::appointment_status
                from unnest(?::uuid[], ?::uuid[], ?::uuid[], ?::uuid[], ?::timestamptz[], ?::timestamptz[], ?::text[])
                     as u(id, patient, service, staff, starts_at, ends_at, status)""",
                f.id(), sql.uuidArray(ids), sql.uuidArray(patients), sql.uuidArray(services), sql.uuidArray(staff),
                sql.textArray(starts), sql.textArray(ends), sql.textArray(statuses));
    }
}
