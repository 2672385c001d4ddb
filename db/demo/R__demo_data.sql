-- ============================================================================
-- Demo data: loaded only in embedded/demo mode (Flyway reads db/demo only when
-- no datasource is configured). Never part of a production migration.
-- Every sign-in's password is the placeholder ${demo_password}.
-- Runs as careledger_owner; rows are written as the definer role because
-- forced row-level security applies to the owner too.
-- ============================================================================

set local role careledger_definer;

insert into facilities (id, name, type, status, city) values
  ('0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0001', 'Sanjeevani Multispeciality Hospital', 'hospital',          'active', 'Pune'),
  ('0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0002', 'Arogya Family Clinic',                'clinic',            'active', 'Nashik'),
  ('0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0003', 'Precision Diagnostics Lab',           'lab',               'active', 'Mumbai'),
  ('0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0004', 'Navjeevan IVF Centre',                'ivf_centre',        'active', 'Nagpur'),
  ('0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0005', 'Shree Medical Store',                 'medical_store',     'active', 'Pune'),
  ('0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0006', 'Jeevan Dhara Blood Bank',             'blood_bank',        'active', 'Aurangabad'),
  ('0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0007', 'Lifeline Clinic Kothrud',             'clinic',            'onboarding', 'Pune')
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
   '{bcrypt}' || extensions.crypt('${demo_password}', extensions.gen_salt('bf', 10)), 'patient', null)
on conflict (id) do nothing;

reset role;
