-- ============================================================================
-- Demo data: loaded only in embedded/demo mode (Flyway reads db/demo only when
-- no datasource is configured). Never part of a production migration.
-- Every sign-in's password is the placeholder ${demo_password}.
-- Runs as careledger_migrator; rows are written as the definer role because
-- forced row-level security applies to the migrator and the owner too.
-- ============================================================================

set local role careledger_definer;

insert into facilities (id, name, type, status, city, legal_name)
select v.id::uuid, v.name, v.type::facility_type, v.status::facility_status, v.city, v.name from (values
  ('0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0001', 'Sanjeevani Multispeciality Hospital', 'hospital',          'active', 'Pune'),
  ('0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0002', 'Arogya Family Clinic',                'clinic',            'active', 'Nashik'),
  ('0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0003', 'Precision Diagnostics Lab',           'lab',               'active', 'Mumbai'),
  ('0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0004', 'Navjeevan IVF Centre',                'ivf_centre',        'active', 'Nagpur'),
  ('0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0005', 'Shree Medical Store',                 'medical_store',     'active', 'Pune'),
  ('0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0006', 'Jeevan Dhara Blood Bank',             'blood_bank',        'active', 'Aurangabad'),
  ('0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0007', 'Lifeline Clinic Kothrud',             'clinic',            'onboarding', 'Pune')
) as v(id, name, type, status, city)
on conflict (id) do nothing;

insert into users (id, email, display_name, password_hash, role, facility_id) values
  ('5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0001', 'superadmin@careledger.test', 'Asha Kulkarni (platform)',
   '{bcrypt}' || extensions.crypt('${demo_password}', extensions.gen_salt('bf', 10)), 'super_admin', null),
  ('5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0002', 'admin@sanjeevani.test', 'Dr. Rohan Deshpande',
   '{bcrypt}' || extensions.crypt('${demo_password}', extensions.gen_salt('bf', 10)), 'facility_admin',
   '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0001'),
  ('5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0003', 'admin@arogya.test', 'Meera Joshi',
   '{bcrypt}' || extensions.crypt('${demo_password}', extensions.gen_salt('bf', 10)), 'facility_admin',
   '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0002'),
  ('5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0004', 'admin@precision.test', 'Imran Shaikh',
   '{bcrypt}' || extensions.crypt('${demo_password}', extensions.gen_salt('bf', 10)), 'facility_admin',
   '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0003'),
  ('5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0005', 'billing@sanjeevani.test', 'Kavita Patil (billing)',
   '{bcrypt}' || extensions.crypt('${demo_password}', extensions.gen_salt('bf', 10)), 'staff',
   '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0001'),
  ('5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0006', 'patient.anil@careledger.test', 'Anil Gaikwad',
   '{bcrypt}' || extensions.crypt('${demo_password}', extensions.gen_salt('bf', 10)), 'patient', null),
  ('5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0007', 'patient.rahul@careledger.test', 'Rahul Shinde',
   '{bcrypt}' || extensions.crypt('${demo_password}', extensions.gen_salt('bf', 10)), 'patient', null)
on conflict (id) do nothing;

-- legal names and GST registrations (Maharashtra, state code 27)
update facilities f set legal_name = d.legal_name, state_code = '27', gstin = d.gstin
from (values
  ('0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0001'::uuid, 'Sanjeevani Healthcare Private Limited', '27AABCS1234F1Z5'),
  ('0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0002'::uuid, 'Arogya Family Clinic LLP', '27AAKFA5678K1Z2'),
  ('0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0003'::uuid, 'Precision Diagnostics Private Limited', '27AADCP4321M1Z9')
) as d(id, legal_name, gstin)
where f.id = d.id and f.gstin is null and f.legal_name = f.name;

-- one configuration version per facility: the example rates of docs/ledger.md's worked examples (card: gateway 1.10 %, platform
-- 1.20 %; UPI and RuPay debit free), 18 % GST, 2 % commission on cash with GST; in force for a year already, so
-- that the demo activity's history (db/demo-activity) finds the terms of its days
insert into facility_configurations (facility_id, effective_from, gst_rate, cash_commission_applies,
    cash_commission_type, cash_commission_rate, gst_on_cash_commission, settlement_cycle,
    payout_account_name, payout_account_number, payout_ifsc, payout_pan)
select f.id, now() - interval '1 year', 0.18, true, 'percentage', 0.02, true, 'weekly',
       f.legal_name, '5010' || lpad((row_number() over (order by f.id))::text, 8, '0'), 'HDFC0001234', 'AABCS1234F'
from facilities f
where not exists (select 1 from facility_configurations c where c.facility_id = f.id);

insert into facility_method_rates (facility_id, effective_from, method, gateway_mdr, platform_mdr)
select c.facility_id, c.effective_from, r.method::payment_method, r.gateway_mdr, r.platform_mdr
from facility_configurations c
cross join (values ('card', 0.0110, 0.0120), ('upi', 0, 0), ('rupay_debit', 0, 0),
                   ('netbanking', 0.0150, 0.0170), ('wallet', 0.0180, 0.0200)) as r(method, gateway_mdr, platform_mdr)
where not exists (select 1 from facility_method_rates m where m.facility_id = c.facility_id);

insert into facility_staff_permissions (facility_id, kind, permission)
select f.id, d.kind, d.permission from facilities f cross join default_staff_permissions d
on conflict do nothing;

insert into staff (id, facility_id, user_id, kind, display_name, registration_number, phone) values
  ('7a1c2e3f-0000-4000-9000-000000000001', '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0001',
   '5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0005', 'billing', 'Kavita Patil', null, '+91 98220 11111'),
  ('7a1c2e3f-0000-4000-9000-000000000002', '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0001',
   null, 'doctor', 'Dr. Sunil Bhosale', 'MMC-2009-04412', '+91 98220 22222'),
  ('7a1c2e3f-0000-4000-9000-000000000003', '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0002',
   null, 'doctor', 'Dr. Neha Kale', 'MMC-2014-11873', '+91 98220 33333')
on conflict (id) do nothing;

insert into patients (id, facility_id, registration_number, full_name, date_of_birth, sex, phone, user_id) values
  ('9c4d1b2a-0000-4000-a000-000000000001', '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0001', 'SMH-000101',
   'Anil Gaikwad', '1978-03-14', 'male', '+91 98500 10101', '5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0006'),
  ('9c4d1b2a-0000-4000-a000-000000000002', '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0001', 'SMH-000102',
   'Sunita Pawar', '1985-11-02', 'female', '+91 98500 10102', null),
  ('9c4d1b2a-0000-4000-a000-000000000003', '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0002', 'AFC-2026-0001',
   'Anil Gaikwad', '1978-03-14', 'male', '+91 98500 10101', '5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0006'),
  ('9c4d1b2a-0000-4000-a000-000000000004', '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0002', 'AFC-2026-0002',
   'Rahul Shinde', '1992-07-21', 'male', '+91 98500 10103', '5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0007')
on conflict (id) do nothing;


-- ----------------------------------------------------------------------------
-- Services, appointments (V0021-V0023): price lists, a sign-in for Dr. Sunil
-- Bhosale, and appointments today and in the coming days (IST) at Sanjeevani
-- and Arogya.
-- ----------------------------------------------------------------------------
insert into users (id, email, display_name, password_hash, role, facility_id) values
  ('5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0a01', 'dr.sunil@sanjeevani.test', 'Dr. Sunil Bhosale',
   '{bcrypt}' || extensions.crypt('${demo_password}', extensions.gen_salt('bf', 10)), 'staff',
   '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0001')
on conflict (id) do nothing;
update staff set user_id = '5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0a01'
where id = '7a1c2e3f-0000-4000-9000-000000000002' and user_id is null;

-- health care services are GST-exempt (rate 0); SAC 999312 medical services,
-- 999316 laboratory and imaging, 999317 blood bank
insert into services (id, facility_id, code, name, category, price_paise, hsn_sac_code, gst_rate, duration_minutes)
select v.id::uuid, v.facility_id::uuid, v.code, v.name, v.category::service_category, v.price_paise, v.sac, 0, v.minutes
from (values
  ('c5e7a1b0-0000-4000-b000-000000000101', '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0001', 'OPD-CONS', 'OPD consultation', 'consultation', 50000, '999312', 15),
  ('c5e7a1b0-0000-4000-b000-000000000102', '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0001', 'OPD-FOLLOWUP', 'Follow-up consultation', 'consultation', 30000, '999312', 10),
  ('c5e7a1b0-0000-4000-b000-000000000103', '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0001', 'LAB-CBC', 'Complete blood count (CBC)', 'lab_test', 35000, '999316', 10),
  ('c5e7a1b0-0000-4000-b000-000000000104', '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0001', 'XRAY-CHEST', 'X-ray chest PA view', 'imaging', 60000, '999316', 20),
  ('c5e7a1b0-0000-4000-b000-000000000105', '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0001', 'ECG', 'Electrocardiogram (ECG)', 'procedure', 25000, '999316', 15),
  ('c5e7a1b0-0000-4000-b000-000000000201', '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0002', 'GP-CONS', 'General physician consultation', 'consultation', 30000, '999312', 15),
  ('c5e7a1b0-0000-4000-b000-000000000202', '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0002', 'BP-SUGAR', 'BP and blood sugar check', 'procedure', 10000, '999312', 10),
  ('c5e7a1b0-0000-4000-b000-000000000203', '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0002', 'DRESSING', 'Wound dressing', 'procedure', 20000, '999312', 15),
  ('c5e7a1b0-0000-4000-b000-000000000301', '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0003', 'LAB-CBC', 'Complete blood count (CBC)', 'lab_test', 30000, '999316', 10),
  ('c5e7a1b0-0000-4000-b000-000000000302', '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0003', 'LAB-LIPID', 'Lipid profile', 'lab_test', 70000, '999316', 10),
  ('c5e7a1b0-0000-4000-b000-000000000303', '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0003', 'LAB-TSH', 'Thyroid stimulating hormone (TSH)', 'lab_test', 45000, '999316', 10),
  ('c5e7a1b0-0000-4000-b000-000000000401', '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0004', 'IVF-CONS', 'Fertility consultation', 'consultation', 100000, '999312', 30),
  ('c5e7a1b0-0000-4000-b000-000000000402', '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0004', 'USG-FOLLICLE', 'Follicular monitoring scan', 'imaging', 150000, '999316', 20),
  ('c5e7a1b0-0000-4000-b000-000000000601', '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0006', 'PRBC', 'Packed red blood cells, one unit', 'blood_component', 145000, '999317', 30),
  ('c5e7a1b0-0000-4000-b000-000000000701', '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0007', 'OPD-CONS', 'OPD consultation', 'consultation', 40000, '999312', 15)
) as v(id, facility_id, code, name, category, price_paise, sac, minutes)
on conflict (facility_id, code) do nothing;

-- today and the next days in IST; each id once, whatever day the script runs
insert into appointments (id, facility_id, starts_on, patient_id, service_id, staff_id, starts_at, ends_at, booked_by)
select v.id::uuid, v.facility_id::uuid, s.starts_on, v.patient_id::uuid, v.service_id::uuid, v.staff_id::uuid,
       s.starts_at, s.starts_at + make_interval(mins => v.minutes), v.booked_by::uuid
from (values
  ('a9900000-0000-4000-8000-000000000101', '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0001', '9c4d1b2a-0000-4000-a000-000000000001',
   'c5e7a1b0-0000-4000-b000-000000000101', '7a1c2e3f-0000-4000-9000-000000000002', 0, '10:00', 15, '5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0002'),
  ('a9900000-0000-4000-8000-000000000102', '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0001', '9c4d1b2a-0000-4000-a000-000000000002',
   'c5e7a1b0-0000-4000-b000-000000000101', '7a1c2e3f-0000-4000-9000-000000000002', 0, '10:15', 15, '5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0002'),
  ('a9900000-0000-4000-8000-000000000103', '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0001', '9c4d1b2a-0000-4000-a000-000000000002',
   'c5e7a1b0-0000-4000-b000-000000000103', null, 1, '09:00', 10, '5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0002'),
  ('a9900000-0000-4000-8000-000000000104', '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0001', '9c4d1b2a-0000-4000-a000-000000000001',
   'c5e7a1b0-0000-4000-b000-000000000104', null, 2, '11:00', 20, '5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0002'),
  ('a9900000-0000-4000-8000-000000000105', '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0001', '9c4d1b2a-0000-4000-a000-000000000001',
   'c5e7a1b0-0000-4000-b000-000000000102', '7a1c2e3f-0000-4000-9000-000000000002', 3, '12:30', 10, '5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0002'),
  ('a9900000-0000-4000-8000-000000000201', '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0002', '9c4d1b2a-0000-4000-a000-000000000003',
   'c5e7a1b0-0000-4000-b000-000000000201', '7a1c2e3f-0000-4000-9000-000000000003', 0, '17:00', 15, '5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0003'),
  ('a9900000-0000-4000-8000-000000000202', '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0002', '9c4d1b2a-0000-4000-a000-000000000004',
   'c5e7a1b0-0000-4000-b000-000000000201', '7a1c2e3f-0000-4000-9000-000000000003', 1, '17:00', 15, '5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0003'),
  ('a9900000-0000-4000-8000-000000000203', '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0002', '9c4d1b2a-0000-4000-a000-000000000004',
   'c5e7a1b0-0000-4000-b000-000000000202', '7a1c2e3f-0000-4000-9000-000000000003', 3, '18:00', 10, '5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0003')
) as v(id, facility_id, patient_id, service_id, staff_id, day_offset, at_time, minutes, booked_by)
cross join lateral (
  select ((app.ist_today() + v.day_offset)::timestamp + v.at_time::time) at time zone 'Asia/Kolkata' as starts_at,
         app.ist_today() + v.day_offset as starts_on) s
where not exists (select 1 from appointments a where a.id = v.id::uuid);

-- ----------------------------------------------------------------------------
-- Health cards (V0010-V0013). Anil is registered at Sanjeevani and at Arogya:
-- one card, referenced by both of his patient records. Sunita and Rahul have
-- cards without a sign-in. No PINs and no national ids here: those need the
-- keys from the app's configuration, which the database never holds.
-- ----------------------------------------------------------------------------
insert into health_cards (id, card_number, holder_user_id, holder_name) values
  ('c4a7d0e1-0000-4000-b000-000000000001', '8026120000001018', '5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0006', 'Anil Gaikwad'),
  ('c4a7d0e1-0000-4000-b000-000000000002', '8026120000001025', null, 'Sunita Pawar'),
  ('c4a7d0e1-0000-4000-b000-000000000004', '8026120000001041', null, 'Rahul Shinde')
on conflict (id) do nothing;

update patients p set card_id = v.card_id::uuid
from (values
  ('9c4d1b2a-0000-4000-a000-000000000001', 'c4a7d0e1-0000-4000-b000-000000000001'),
  ('9c4d1b2a-0000-4000-a000-000000000003', 'c4a7d0e1-0000-4000-b000-000000000001'),
  ('9c4d1b2a-0000-4000-a000-000000000002', 'c4a7d0e1-0000-4000-b000-000000000002'),
  ('9c4d1b2a-0000-4000-a000-000000000004', 'c4a7d0e1-0000-4000-b000-000000000004')
) as v(patient_id, card_id)
where p.id = v.patient_id::uuid and p.card_id is null;

-- Their clinical records and insurance, as entries (V0070) recorded through the
-- portal's own functions: Dr. Sunil at Sanjeevani for Anil and Sunita, the
-- billing clerk there for their insurance. Rahul's record at Arogya, where no
-- clinician signs in, is carried over (no author).
do $$
declare
  v_anil constant uuid := '9c4d1b2a-0000-4000-a000-000000000001';
  v_sunita constant uuid := '9c4d1b2a-0000-4000-a000-000000000002';
begin
  if exists (select 1 from clinical_entries where card_id = 'c4a7d0e1-0000-4000-b000-000000000001') then
    return;
  end if;
  perform app.set_current_user('5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0a01', app.issue_session('5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0a01', interval '5 minutes')),
          app.set_current_tenant('0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0001');
  perform app.add_clinical_entry(v_anil, 'blood_group', 'B+', null);
  perform app.add_clinical_entry(v_anil, 'history', null, 'Laparoscopic appendectomy', p_details => '{"year": 2019}');
  perform app.add_clinical_entry(v_anil, 'history', null, 'Diabetic retinopathy screening',
                                 p_details => '{"year": 2023, "notes": "no retinopathy"}');
  perform app.add_clinical_entry(v_anil, 'allergy', 'Penicillin', null, 'high', 'urticaria');
  perform app.add_clinical_entry(v_anil, 'allergy', 'Peanuts', null, 'low', 'lip swelling');
  perform app.add_clinical_entry(v_anil, 'condition', 'E11', 'Type 2 diabetes mellitus', p_details => '{"since": 2015}');
  perform app.add_clinical_entry(v_anil, 'condition', 'I10', 'Essential hypertension', p_details => '{"since": 2018}');
  perform app.add_clinical_entry(v_sunita, 'blood_group', 'O+', null);
  perform app.add_clinical_entry(v_sunita, 'history', null, 'Caesarean section', p_details => '{"year": 2016}');
  perform app.add_clinical_entry(v_sunita, 'allergy', 'Sulfonamides', null, 'low', 'rash');
  perform app.add_clinical_entry(v_sunita, 'condition', 'E03.9', 'Hypothyroidism', p_details => '{"since": 2020}');
  perform app.set_current_user('5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0005', app.issue_session('5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0005', interval '5 minutes')),
          app.set_current_tenant('0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0001');
  perform app.add_clinical_entry(v_anil, 'insurance', 'Star Health and Allied Insurance', null,
                                 p_details => '{"insurer": "Star Health and Allied Insurance", "policy_number": "SH-P-2026-118842", "valid_until": "2027-03-31"}');
  perform app.add_clinical_entry(v_anil, 'insurance', 'PM-JAY', null,
                                 p_details => '{"scheme": "PM-JAY", "beneficiary_id": "PMJAY-MH-27-0041187"}');
  perform app.add_clinical_entry(v_sunita, 'insurance', 'HDFC ERGO General Insurance', null,
                                 p_details => '{"insurer": "HDFC ERGO General Insurance", "policy_number": "HE-2025-770315", "valid_until": "2026-12-31"}');
  perform app.set_current_user(null, null);
  insert into clinical_entries (card_id, kind, code, text, details, facility_id, patient_id, carried_over) values
    ('c4a7d0e1-0000-4000-b000-000000000004', 'blood_group', 'A+', null, '{}',
     '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0002', '9c4d1b2a-0000-4000-a000-000000000004', true),
    ('c4a7d0e1-0000-4000-b000-000000000004', 'condition', 'J45', 'Asthma', '{"since": 2004}',
     '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0002', '9c4d1b2a-0000-4000-a000-000000000004', true);
end
$$;

-- Products and bills (V0040-V0042). Shree Medical Store gets its GST
-- registration, an admin, a patient and a small product list; Sanjeevani gets
-- two issued bills and a draft, Shree one issued counter sale. Bills are made
-- through the portal's own calls, in a signed context (the billing clerk at
-- Sanjeevani, the admin at Shree), so numbers come from the gap-free counter.
-- ----------------------------------------------------------------------------
update facilities set legal_name = 'Shree Medical and General Stores', state_code = '27', gstin = '27AAHFS4321Q1Z7'
where id = '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0005' and gstin is null;

insert into users (id, email, display_name, password_hash, role, facility_id) values
  ('5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0b01', 'admin@shreemedical.test', 'Ganesh More',
   '{bcrypt}' || extensions.crypt('${demo_password}', extensions.gen_salt('bf', 10)), 'facility_admin',
   '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0005')
on conflict (id) do nothing;

insert into patients (id, facility_id, registration_number, full_name, date_of_birth, sex, phone, user_id) values
  ('9c4d1b2a-0000-4000-a000-000000000501', '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0005', 'SMS-000001',
   'Priya Kulkarni', '1990-05-09', 'female', '+91 98500 10501', null)
on conflict (id) do nothing;

-- medicines at 5 % (HSN 3004), a sanitiser at 18 % (HSN 3808); price before GST, MRP with GST
insert into products (id, facility_id, name, hsn_code, gst_rate, price_paise, mrp_paise, unit)
select v.id::uuid, '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0005', v.name, v.hsn, v.rate, v.price, v.mrp, v.unit
from (values
  ('d1e2f3a4-0000-4000-c000-000000000501', 'Paracetamol 650 mg tablets (15)', '30049099', 0.05, 3200, 3360, 'strip'),
  ('d1e2f3a4-0000-4000-c000-000000000502', 'Oral rehydration salts 21 g', '30049099', 0.05, 2000, 2100, 'sachet'),
  ('d1e2f3a4-0000-4000-c000-000000000503', 'Hand sanitiser 500 ml', '38089400', 0.18, 21186, 25000, 'bottle')
) as v(id, name, hsn, rate, price, mrp, unit)
on conflict (id) do nothing;

do $$
declare
  v_sanjeevani constant uuid := '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0001';
  v_shree constant uuid := '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0005';
begin
  if not exists (select 1 from bills where facility_id = v_sanjeevani) then
    perform app.set_current_user('5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0005', app.issue_session('5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0005', interval '5 minutes')), app.set_current_tenant(v_sanjeevani);
    -- Anil's consultation today with a blood count: issued
    insert into bills (id, facility_id, patient_id, appointment_id, appointment_starts_on)
    select 'b1110000-0000-4000-8000-000000000101', v_sanjeevani, a.patient_id, a.id, a.starts_on
    from appointments a where a.facility_id = v_sanjeevani and a.id = 'a9900000-0000-4000-8000-000000000101';
    insert into bill_items (facility_id, bill_id, service_id, quantity) values
      (v_sanjeevani, 'b1110000-0000-4000-8000-000000000101', 'c5e7a1b0-0000-4000-b000-000000000101', 1),
      (v_sanjeevani, 'b1110000-0000-4000-8000-000000000101', 'c5e7a1b0-0000-4000-b000-000000000103', 1);
    perform app.issue_bill('b1110000-0000-4000-8000-000000000101');
    -- Sunita's X-ray and ECG with Rs 100 off: issued
    insert into bills (id, facility_id, patient_id)
    values ('b1110000-0000-4000-8000-000000000102', v_sanjeevani, '9c4d1b2a-0000-4000-a000-000000000002');
    insert into bill_items (facility_id, bill_id, service_id, quantity) values
      (v_sanjeevani, 'b1110000-0000-4000-8000-000000000102', 'c5e7a1b0-0000-4000-b000-000000000104', 1),
      (v_sanjeevani, 'b1110000-0000-4000-8000-000000000102', 'c5e7a1b0-0000-4000-b000-000000000105', 1);
    perform app.set_bill_discount('b1110000-0000-4000-8000-000000000102', 10000);
    perform app.issue_bill('b1110000-0000-4000-8000-000000000102');
    -- Anil's follow-up: still a draft
    insert into bills (id, facility_id, patient_id)
    values ('b1110000-0000-4000-8000-000000000103', v_sanjeevani, '9c4d1b2a-0000-4000-a000-000000000001');
    insert into bill_items (facility_id, bill_id, service_id, quantity) values
      (v_sanjeevani, 'b1110000-0000-4000-8000-000000000103', 'c5e7a1b0-0000-4000-b000-000000000102', 1);
  end if;
  if not exists (select 1 from bills where facility_id = v_shree) then
    perform app.set_current_user('5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0b01', app.issue_session('5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0b01', interval '5 minutes')), app.set_current_tenant(v_shree);
    -- a counter sale to Priya: two strips, two sachets, a sanitiser, Rs 10 off
    insert into bills (id, facility_id, patient_id)
    values ('b1110000-0000-4000-8000-000000000501', v_shree, '9c4d1b2a-0000-4000-a000-000000000501');
    insert into bill_items (facility_id, bill_id, product_id, quantity) values
      (v_shree, 'b1110000-0000-4000-8000-000000000501', 'd1e2f3a4-0000-4000-c000-000000000501', 2),
      (v_shree, 'b1110000-0000-4000-8000-000000000501', 'd1e2f3a4-0000-4000-c000-000000000502', 2),
      (v_shree, 'b1110000-0000-4000-8000-000000000501', 'd1e2f3a4-0000-4000-c000-000000000503', 1);
    perform app.set_bill_discount('b1110000-0000-4000-8000-000000000501', 1000);
    perform app.issue_bill('b1110000-0000-4000-8000-000000000501');
  end if;
  perform app.set_current_user(null, null);
end
$$;

reset role;
