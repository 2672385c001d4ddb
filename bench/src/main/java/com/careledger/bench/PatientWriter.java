package com.careledger.bench;

import java.sql.SQLException;

/**
 * A facility's patients, 60 % with a health card and its clinical entries (blood group, allergies, chronic
 * conditions, insurance), set-based and deterministic from the seed, as the definer role (the caller switches it).
 * Names, birth dates and phones follow the template's plan; registration and card numbers the facility's number.
 */
final class PatientWriter {

    private final WorkerSql sql;
    private final GeneratorRun run;
    private final GeneratedFacility f;

    PatientWriter(WorkerSql sql, GeneratorRun run, GeneratedFacility f) {
        this.sql = sql;
        this.run = run;
        this.f = f;
    }

    void write() throws SQLException {
        long seed = run.seed();
        int no = f.no();
        sql.exec("""
                with people as (
                  select i, ('x' || substr(md5(?::text || ':' || i), 1, 16))::bit(64) as h,
                         md5('card:' || ?::text || ':' || i)::uuid as card
                  from generate_series(0, ? - 1) i
                ), cards as (
                  insert into health_cards (id, card_number, holder_name)
                  select card, n || app.verhoeff_check_digit(n), 'Bench patient ' || i
                  from (select i, card, '8' || lpad(?::text, 5, '0') || lpad(i::text, 9, '0') as n
                        from people where i % 5 < 3) c
                ), clinical as (
                  -- carried-over entries of the facility's record (no author), like records from before the portal
                  insert into clinical_entries (card_id, kind, code, text, details, facility_id, patient_id, carried_over)
                  select card, e.kind::clinical_entry_kind, e.code, e.text, e.details::jsonb, ?::uuid,
                         md5('patient:' || ?::text || ':' || i)::uuid, true
                  from people
                  cross join lateral (values
                    ('blood_group', (array['A+', 'B+', 'O+', 'AB+', 'O-', 'A-'])[1 + i % 6], null, '{}', true),
                    ('allergy', 'Penicillin', null, '{}', i % 7 = 0),
                    ('condition', 'E11', 'Type 2 diabetes mellitus', '{}', i % 5 = 0),
                    ('condition', 'I10', 'Essential hypertension', '{}', i % 5 = 1),
                    ('insurance', 'Star Health and Allied Insurance', null,
                     '{"insurer": "Star Health and Allied Insurance", "policy_number": "SH-B"}', i % 4 = 0),
                    ('insurance', 'PM-JAY', null, '{"scheme": "PM-JAY", "beneficiary_id": "PMJAY-B"}', i % 4 = 1)
                  ) e(kind, code, text, details, wanted)
                  where i % 5 < 3 and e.wanted
                )
                insert into patients (id, facility_id, registration_number, full_name, date_of_birth, sex, phone, card_id)
                select md5('patient:' || ?::text || ':' || i)::uuid, ?, ? || lpad(i::text, 7, '0'),
                       (?::text[])[1 + (substring(h from 1 for 20))::int % 20] || ' ' || (?::text[])[1 + (substring(h from 21 for 20))::int % 20],
                       date '1940-01-01' + (substring(h from 41 for 16))::int % 29000,
                       case when i % 2 = 0 then 'female' else 'male' end::sex,
                       '+91 9' || lpad(((substring(h from 41 for 24))::bigint * 61 % 1000000000)::text, 9, '0'),
                       case when i % 5 < 3 then card end
                from people""",
                seed + ":" + f.plan(), seed + ":" + no, run.size().patientsPerFacility(), no, f.id(), seed + ":" + no,
                seed + ":" + no, f.id(),
                f.type().prefix() + "R" + (no + 1) + "-", sql.textArray(Catalogue.FIRST), sql.textArray(Catalogue.LAST));
    }
}
