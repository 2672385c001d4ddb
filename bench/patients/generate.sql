-- ============================================================================
-- Patient search bench data: ten facilities, one large. Set-based, in the
-- caller's transaction (roll it back afterwards), written as the definer role
-- because forced row-level security applies to the owner too.
--   select set_config('bench.patients', '100000', true);  -- patients in the large facility
-- The other nine facilities get a tenth of that each. Every patient has a
-- health card and clinical entries. Deterministic (md5 of the row number),
-- so two runs measure the same data.
-- Used by src/test/java/com/careledger/patient/PatientSearchPlanTest.java.
-- ============================================================================
set local role careledger_definer;
-- index entries go to the GIN pending lists and are merged in bulk afterwards
-- (gin_clean_pending_list, by the caller): much faster than entry by entry
set local gin_pending_list_limit = '512MB';

insert into facilities (id, name, legal_name, type, status, city)
select ('be000000-0000-4000-8000-0000000000' || lpad(f::text, 2, '0'))::uuid,
       'Bench Hospital ' || f, 'Bench Hospital ' || f, 'hospital', 'active', 'Pune'
from generate_series(1, 10) f;

insert into facility_staff_permissions (facility_id, kind, permission)
select ('be000000-0000-4000-8000-0000000000' || lpad(f::text, 2, '0'))::uuid, d.kind, d.permission
from generate_series(1, 10) f cross join default_staff_permissions d;

-- a doctor (clinical.read) of the large facility, Bench Hospital 1
insert into users (id, email, display_name, password_hash, role, facility_id)
values ('be000000-0000-4000-8000-0000000000d1', 'doctor@bench.test', 'Bench doctor', '!', 'staff',
        'be000000-0000-4000-8000-000000000001');
insert into staff (facility_id, user_id, kind, display_name)
values ('be000000-0000-4000-8000-000000000001', 'be000000-0000-4000-8000-0000000000d1', 'doctor', 'Bench doctor');

-- one statement: the cards and the patients who reference them
with people as (
  select i,
         case when i <= n then 1 else 2 + (i - n - 1) / (n / 10) end as f,
         ('x' || substr(md5('bench' || i), 1, 16))::bit(64) as h
  from (select current_setting('bench.patients')::int as n) s,
       generate_series(1, (select current_setting('bench.patients')::int * 19 / 10)) i
), cards as (
  insert into health_cards (id, card_number, holder_name)
  select md5('card' || i)::uuid, n || app.verhoeff_check_digit(n), 'Bench ' || i
  from (select i, '8' || lpad(((substring(h from 1 for 48))::bigint % 100000000000000)::text, 14, '0') as n
        from people) c
)
insert into patients (facility_id, registration_number, full_name, sex, phone, card_id)
select ('be000000-0000-4000-8000-0000000000' || lpad(f::text, 2, '0'))::uuid,
       'BEN-' || lpad(i::text, 8, '0'),
       (array['Anil', 'Sunita', 'Rahul', 'Priya', 'Amit', 'Kavita', 'Vijay', 'Neha', 'Sanjay', 'Pooja',
              'Rajesh', 'Anjali', 'Suresh', 'Deepa', 'Manoj', 'Swati', 'Ganesh', 'Asha', 'Prakash', 'Meena',
              'Arjun', 'Lata', 'Nitin', 'Rekha', 'Sachin', 'Sneha', 'Vinod', 'Jyoti', 'Ashok', 'Shalini',
              'Rohan', 'Madhuri', 'Kiran', 'Vandana', 'Mahesh', 'Seema', 'Yogesh', 'Archana', 'Dinesh', 'Usha'])
         [1 + (substring(h from 1 for 20))::int % 40]
       || ' ' ||
       (array['Gaikwad', 'Pawar', 'Shinde', 'Patil', 'Deshmukh', 'Kulkarni', 'Joshi', 'Jadhav', 'More', 'Chavan',
              'Kale', 'Bhosale', 'Deshpande', 'Sawant', 'Kadam', 'Mane', 'Salunkhe', 'Thakur', 'Naik', 'Gokhale',
              'Sharma', 'Verma', 'Gupta', 'Singh', 'Yadav', 'Reddy', 'Nair', 'Iyer', 'Menon', 'Das',
              'Banerjee', 'Mukherjee', 'Khan', 'Shaikh', 'Fernandes', 'Dsouza', 'Mehta', 'Shah', 'Agarwal', 'Bansal'])
         [1 + (substring(h from 21 for 20))::int % 40],
       case when i % 2 = 0 then 'female' else 'male' end::sex,
       '+91 9' || lpad(((substring(h from 41 for 24))::bigint * 61 % 1000000000)::text, 9, '0'),
       md5('card' || i)::uuid
from people;

-- the clinical entries of every card, carried over (no author) at the patient's facility
insert into clinical_entries (card_id, kind, code, text, facility_id, patient_id, carried_over)
select p.card_id, e.kind::clinical_entry_kind, e.code, e.text, p.facility_id, p.id, true
from (select p.*, substring(p.registration_number from 5)::int as i,
             ('x' || substr(md5('bench' || substring(p.registration_number from 5)::int), 1, 16))::bit(64) as h
      from patients p where p.registration_number like 'BEN-%') p
cross join lateral (values
  ('blood_group', (array['A+', 'B+', 'O+', 'AB+', 'O-'])[1 + (substring(p.h from 49 for 8))::int % 5], null, true),
  ('allergy', 'Penicillin', null, p.i % 7 = 0),
  ('condition', 'E11', 'Type 2 diabetes mellitus', p.i % 5 = 0)
) e(kind, code, text, wanted)
where e.wanted;

reset role;
