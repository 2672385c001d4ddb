-- ============================================================================
-- Demo activity: ninety days of a working platform at the four demo facilities
-- with sign-ins (Sanjeevani, Arogya, Precision, Shree), ending today, so that
-- every dashboard, grid and chart of the demo has something true to show.
--
-- Loaded after db/demo (its facilities, users, patients, services, products)
-- only when the portal runs on its embedded server with demo data and
-- careledger.embedded-postgres.demo-activity is on: ./mvnw spring-boot:run
-- and the browser tests. The database tests keep db/demo's small fixture.
--
-- Every money row is written by the functions the portal calls, in a signed
-- request context of the user who does it in production (the billing clerk
-- bills and takes cash, the payment webhook records what the gateway reports,
-- the super admin records gateway batches and runs settlements, the facility
-- admin acknowledges one), so triggers, ledger postings, receipts and the
-- audit log run as in production. What has a moment goes through the owner's
-- _at variant of the function with the moment of the simulated event
-- (app.issue_bill_at, app.capture_payment_at, app.collect_cash_at, ...): the
-- ninety days end today whenever the database is made. Today's events lie
-- between midnight (IST) and a few minutes before the load; today's cash
-- shifts stay open.
--
-- Deterministic: one random stream (setseed), used in a fixed order, and ids
-- of set-up rows derived from names. Idempotent: the activity is written once;
-- a database that already holds it (a payment order named order_DEMO...) is
-- left as it is.
--
-- Runs as careledger_migrator; rows are written as the definer role (forced
-- row-level security applies to the migrator and the owner too), which may
-- run the owner's _at variants. The payment webhook is entered with a secret
-- made here, whose digest is stored for this transaction only.
-- ============================================================================

-- The months of the history get their partitions first, made by partition upkeep as the super admin (the
-- migrator holds the owner's right to run it): a settlement must never land in the default partition, which
-- upkeep cannot drain of rows that allocations reference.
select app.set_current_user('5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0001',
                            app.issue_session('5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0001', interval '5 minutes')),
       app.set_current_tenant(null);
select count(*) as partitions_made from app.maintain_partitions(app.ist_today() - 90);
select app.set_current_user(null, null);

set local role careledger_definer;

-- ----------------------------------------------------------------------------
-- A billing clerk at Arogya, Precision and Shree (Sanjeevani has Kavita):
-- the counter's cash is taken by staff with cash.collect in a shift of theirs.
-- ----------------------------------------------------------------------------
insert into users (id, email, display_name, password_hash, role, facility_id) values
  ('5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0c01', 'billing@arogya.test', 'Pooja Jadhav (billing)',
   '{bcrypt}' || extensions.crypt('${demo_password}', extensions.gen_salt('bf', 10)), 'staff',
   '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0002'),
  ('5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0c02', 'billing@precision.test', 'Sameer Khan (billing)',
   '{bcrypt}' || extensions.crypt('${demo_password}', extensions.gen_salt('bf', 10)), 'staff',
   '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0003'),
  ('5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0c03', 'billing@shreemedical.test', 'Nikhil Pawar (billing)',
   '{bcrypt}' || extensions.crypt('${demo_password}', extensions.gen_salt('bf', 10)), 'staff',
   '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0005')
on conflict (id) do nothing;

insert into staff (id, facility_id, user_id, kind, display_name, registration_number, phone) values
  ('7a1c2e3f-0000-4000-9000-000000000011', '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0002',
   '5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0c01', 'billing', 'Pooja Jadhav', null, '+91 98220 44441'),
  ('7a1c2e3f-0000-4000-9000-000000000012', '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0003',
   '5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0c02', 'billing', 'Sameer Khan', null, '+91 98220 44442'),
  ('7a1c2e3f-0000-4000-9000-000000000013', '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0005',
   '5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0c03', 'billing', 'Nikhil Pawar', null, '+91 98220 44443')
on conflict (id) do nothing;

-- ----------------------------------------------------------------------------
-- Twenty patients more at each of the four facilities (no sign-ins, no cards),
-- named from common Maharashtrian first names and surnames.
-- ----------------------------------------------------------------------------
insert into patients (id, facility_id, registration_number, full_name, date_of_birth, sex, phone)
select md5('demo-patient:' || f.id || ':' || n)::uuid, f.id::uuid, f.prefix || lpad((200 + n)::text, 6, '0'),
       fn.name || ' ' || ln.name, date '1950-01-01' + ((n * 3571 + f.k * 911) % 25000),
       fn.sex, '+91 9' || lpad(((f.k * 100000000 + n * 7919 * 1013) % 1000000000)::text, 9, '0')
from (values
  (1, '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0001', 'SMH-'),
  (2, '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0002', 'AFC-'),
  (3, '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0003', 'PDL-'),
  (4, '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0005', 'SMS-')) as f(k, id, prefix)
cross join generate_series(1, 20) as n
cross join lateral (
  select (array['Aarti', 'Vikas', 'Snehal', 'Prakash', 'Manisha', 'Sachin', 'Rohini', 'Ajay', 'Swati', 'Mahesh',
                'Pallavi', 'Sandeep', 'Vaishali', 'Tushar', 'Madhuri', 'Amol', 'Shubhangi', 'Ganesh', 'Kiran', 'Yogesh'])[n]
           as name,
         (case when n % 2 = 1 then 'female' else 'male' end)::sex as sex) fn
cross join lateral (
  select (array['Patil', 'Deshmukh', 'Kulkarni', 'Jadhav', 'Pawar', 'Shinde', 'More', 'Chavan', 'Gaikwad', 'Joshi',
                'Bhosale', 'Kale', 'Salunkhe', 'Wagh', 'Sawant'])[1 + (n * 7 + f.k * 3) % 15] as name) ln
on conflict (id) do nothing;

-- ----------------------------------------------------------------------------
-- Ninety days of activity.
-- ----------------------------------------------------------------------------
do $$
declare
  c_super constant uuid := '5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0001';
  c_webhook constant uuid := '00000000-0000-4000-8000-000000000003';
  c_days constant integer := 90;
  v_today date := app.ist_today();
  -- today's events lie between 08:00 (IST) and this moment
  v_cutoff timestamptz := now() - interval '5 minutes';
  v_opening timestamptz := ((app.ist_today()::timestamp + time '08:00') at time zone 'Asia/Kolkata');
  v_secret text := encode(extensions.gen_random_bytes(32), 'hex');
  v_super_token text;
  -- the facilities: number, id, clerk's user, clerk's staff id, admin, doctor (or none), kind of trade
  v_fac record;
  v_clerk_token text;
  v_admin_token text;
  v_d integer;
  v_day date;
  v_monday date;
  v_week integer;
  v_visits integer;
  v_v integer;
  v_minute integer;
  v_at timestamptz;
  v_shift uuid;
  v_shift_opened boolean;
  v_patient uuid;
  v_appointment uuid;
  v_bill uuid;
  v_total bigint;
  v_u double precision;
  v_cash bigint;
  v_online bigint;
  v_gateway payment_gateway;
  v_method payment_method;
  v_order text;
  v_payment uuid;
  v_collection uuid;
  v_counted bigint;
  v_key text;
  v_seq integer := 0;
  v_settlement uuid;
  v_count integer;
  v_gw payment_gateway;
  v_payments uuid[];
  v_refunds uuid[];
  v_stated bigint;
  v_batch_no integer := 0;
  v_services uuid[];
  v_i integer;
  v_products uuid[];
begin
  if exists (select 1 from public.payments p where p.gateway_order_id like 'order_DEMO%') then
    return;
  end if;
  perform setseed(0.2026);
  -- the payment webhook's secret for this transaction; its digest is removed again below
  perform app.store_system_key('demo-loader', app.token_digest(v_secret));
  v_super_token := app.issue_session(c_super, interval '1 hour');

  for v_d in reverse c_days .. 0 loop
    v_day := v_today - v_d;
    -- today: only once the counters have been open a while
    continue when v_d = 0 and v_cutoff - v_opening < interval '30 minutes';

    -- --------------------------------------------------------------------------
    -- Monday morning: last week's gateway batches (one per gateway, all
    -- facilities), then each facility's weekly settlement for the week before.
    -- --------------------------------------------------------------------------
    if extract(isodow from v_day) = 1 and v_d < c_days then
      perform app.set_current_user(c_super, v_super_token), app.set_current_tenant(null);
      v_at := least(((v_day::timestamp + time '06:00') at time zone 'Asia/Kolkata'), v_cutoff);
      foreach v_gw in array array['razorpay', 'payu']::payment_gateway[] loop
        select coalesce(array_agg(p.id order by p.id), '{}') into v_payments from public.payments p
        where p.gateway = v_gw and p.captured_at < (v_day::timestamp at time zone 'Asia/Kolkata')
          and p.gateway_settlement_id is null and p.gateway_order_id like 'order_DEMO%';
        select coalesce(array_agg(r.id order by r.id), '{}') into v_refunds from public.payment_refunds r
        where r.gateway = v_gw and r.refunded_at < (v_day::timestamp at time zone 'Asia/Kolkata')
          and r.gateway_settlement_id is null;
        continue when cardinality(v_payments) + cardinality(v_refunds) = 0;
        v_batch_no := v_batch_no + 1;
        select coalesce(sum(p.amount_paise - p.gateway_fee_paise - p.gateway_gst_paise), 0) into v_stated
        from public.payments p where p.id = any (v_payments);
        v_stated := v_stated - (select coalesce(sum(r.amount_paise), 0) from public.payment_refunds r
                                where r.id = any (v_refunds));
        -- one batch states ten rupees less than its items add up to: the reconciliation flags it
        if v_batch_no = 5 then
          v_stated := greatest(v_stated - 1000, 0);
        end if;
        perform app.record_gateway_settlement_at(
          v_gw, upper(v_gw::text) || 'DEMO' || to_char(v_day, 'YYYYMMDD'), v_day, v_stated, v_payments, v_refunds, v_at);
      end loop;

      -- the settlement of the week before: paid, but the four latest weeks stay in the other states
      v_week := (v_today - v_day) / 7;  -- 0: the week that ended yesterday or before, this Monday's
      for v_fac in
        select * from (values
          (1, '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0001'::uuid, '5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0002'::uuid),
          (2, '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0002'::uuid, '5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0003'::uuid),
          (3, '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0003'::uuid, '5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0004'::uuid),
          (4, '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0005'::uuid, '5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0b01'::uuid)
        ) as x(no, id, admin) order by no
      loop
        perform app.set_current_user(c_super, v_super_token), app.set_current_tenant(null);
        begin
          v_at := least(((v_day::timestamp + time '12:00') at time zone 'Asia/Kolkata'), v_cutoff - interval '4 minutes');
          v_settlement := app.create_settlement_at(v_fac.id, 'mixed', v_day - 7, v_day - 1, true, v_at);
          select s.allocations_count into v_count from public.settlements s
          where s.facility_id = v_fac.id and s.id = v_settlement;
          if v_count = 0 then
            raise exception using errcode = 'CL001', message = 'nothing to settle';
          end if;
          if v_week >= 1 then
            perform app.submit_settlement_at(v_settlement, v_at + interval '10 minutes');
          end if;
          if v_week = 1 then
            -- pending, and the facility's admin has seen it
            v_admin_token := app.issue_session(v_fac.admin, interval '1 hour');
            perform app.set_current_user(v_fac.admin, v_admin_token), app.set_current_tenant(v_fac.id);
            perform app.acknowledge_settlement_at(v_settlement, v_at + interval '4 hours');
          elsif v_week = 2 then
            perform app.approve_settlement_at(v_settlement, v_at + interval '22 hours');
          elsif v_week = 3 then
            perform app.cancel_settlement_at(v_settlement,
              'The facility asked to recount two cash collections first; settled with the next week', v_at + interval '21 hours');
          elsif v_week >= 4 then
            perform app.approve_settlement_at(v_settlement, v_at + interval '22 hours');
            perform app.pay_settlement_at(v_settlement, 'NEFTDEMO' || v_fac.no || to_char(v_day, 'YYYYMMDD'),
                                          v_at + interval '47 hours');
          end if;
        exception when sqlstate 'CL001' then
          null;
        end;
      end loop;
    end if;

    -- --------------------------------------------------------------------------
    -- The day at each facility: visits, bills, payments, refunds, the shift.
    -- --------------------------------------------------------------------------
    for v_fac in
      select * from (values
        (1, '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0001'::uuid, '5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0005'::uuid,
         '5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0002'::uuid, '7a1c2e3f-0000-4000-9000-000000000002'::uuid, 'visit', 2),
        (2, '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0002'::uuid, '5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0c01'::uuid,
         '5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0003'::uuid, '7a1c2e3f-0000-4000-9000-000000000003'::uuid, 'visit', 1),
        (3, '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0003'::uuid, '5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0c02'::uuid,
         '5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0004'::uuid, null::uuid, 'lab', 1),
        (4, '0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0005'::uuid, '5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0c03'::uuid,
         '5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0b01'::uuid, null::uuid, 'store', 1)
      ) as x(no, id, clerk, admin, doctor, trade, busiest) order by no
    loop
      -- 1 to busiest visits a day, fewer on Sundays
      v_visits := 1 + floor(random() * v_fac.busiest)::integer;
      if extract(isodow from v_day) = 7 then
        v_visits := floor(random() * 2)::integer;
      end if;
      continue when v_visits = 0;
      -- consultations first
      select array_agg(s.id order by s.category <> 'consultation', s.code) into v_services from public.services s
      where s.facility_id = v_fac.id and s.active;
      select array_agg(p.id order by p.name) into v_products from public.products p where p.facility_id = v_fac.id;
      v_clerk_token := app.issue_session(v_fac.clerk, interval '1 hour');
      v_shift := null;
      v_shift_opened := false;

      for v_v in 1 .. v_visits loop
        v_seq := v_seq + 1;
        -- the visit's time: 09:00 onwards, every two and a half hours or so (today: squeezed between 08:00 and the load)
        v_minute := 540 + (v_v - 1) * 150 + floor(random() * 60)::integer;
        v_at := case when v_d > 0 then ((v_day::timestamp + make_interval(mins => v_minute)) at time zone 'Asia/Kolkata')
                     else v_opening + (v_cutoff - v_opening) * ((v_minute - 480)::double precision / 780) end;
        -- the patient: the demo's own now and then, else one of the twenty
        v_patient := case
          when v_fac.no = 1 and v_d % 9 = 4 then '9c4d1b2a-0000-4000-a000-000000000001'::uuid
          when v_fac.no = 1 and v_d % 15 = 6 then '9c4d1b2a-0000-4000-a000-000000000002'::uuid
          when v_fac.no = 2 and v_d % 12 = 7 then '9c4d1b2a-0000-4000-a000-000000000003'::uuid
          when v_fac.no = 2 and v_d % 10 = 3 then '9c4d1b2a-0000-4000-a000-000000000004'::uuid
          when v_fac.no = 4 and v_d % 14 = 2 then '9c4d1b2a-0000-4000-a000-000000000501'::uuid
          else md5('demo-patient:' || v_fac.id || ':' || (1 + floor(random() * 20)::integer))::uuid end;
        if v_v > 1 and v_patient in ('9c4d1b2a-0000-4000-a000-000000000001', '9c4d1b2a-0000-4000-a000-000000000002',
                                     '9c4d1b2a-0000-4000-a000-000000000003', '9c4d1b2a-0000-4000-a000-000000000004',
                                     '9c4d1b2a-0000-4000-a000-000000000501') then
          v_patient := md5('demo-patient:' || v_fac.id || ':' || (1 + floor(random() * 20)::integer))::uuid;
        end if;

        perform app.set_current_user(v_fac.clerk, v_clerk_token), app.set_current_tenant(v_fac.id);

        -- the appointment with the doctor (past days), recorded as it ended: 6 % cancelled, 4 % no-show, the rest
        -- seen and billed (the definer role, which writes the demo's set-up rows, inserts but never updates them)
        v_appointment := null;
        if v_fac.trade = 'visit' and v_d > 0 then
          v_u := random();
          insert into public.appointments (facility_id, starts_on, patient_id, service_id, staff_id, starts_at, ends_at,
                                           booked_by, status)
          values (v_fac.id, v_day, v_patient, v_services[1], v_fac.doctor, v_at, v_at + interval '15 minutes',
                  v_fac.admin, (case when v_u < 0.06 then 'cancelled' when v_u < 0.10 then 'no_show' else 'completed' end)::appointment_status)
          returning id into v_appointment;
          continue when v_u < 0.10;
          v_at := v_at + interval '20 minutes';
        end if;

        -- the bill: the consultation and what was done, or the tests, or the goods
        v_bill := app.create_bill(v_fac.id, v_patient, v_appointment);
        if v_fac.trade = 'visit' then
          perform app.add_bill_service(v_bill, v_services[1 + floor(random() * 2)::integer]);
          if random() < 0.5 then
            perform app.add_bill_service(v_bill, v_services[3 + floor(random() * (cardinality(v_services) - 2))::integer]);
          end if;
        elsif v_fac.trade = 'lab' then
          v_i := floor(random() * cardinality(v_services))::integer;
          perform app.add_bill_service(v_bill, v_services[1 + v_i]);
          if random() < 0.6 then
            perform app.add_bill_service(v_bill, v_services[1 + (v_i + 1) % cardinality(v_services)]);
          end if;
        else
          v_i := floor(random() * cardinality(v_products))::integer;
          perform app.add_bill_product(v_bill, v_products[1 + v_i], 1 + floor(random() * 3)::integer);
          if random() < 0.5 then
            perform app.add_bill_product(v_bill, v_products[1 + (v_i + 1) % cardinality(v_products)], 1);
          end if;
        end if;
        -- ₹50 off one bill in twelve of more than ₹200
        if random() < 0.08 and (select b.subtotal_paise from public.bills b
                                where b.facility_id = v_fac.id and b.id = v_bill) > 20000 then
          perform app.set_bill_discount(v_bill, 5000);
        end if;
        perform app.issue_bill_at(v_bill, v_at);
        select b.total_paise into v_total from public.bills b where b.facility_id = v_fac.id and b.id = v_bill;

        -- paid: 4 % left unpaid (a fifth of the last three days' bills), 1 % cancelled unpaid,
        -- 46 % online, 39 % in cash, 10 % part in cash and the rest online
        v_u := random();
        if v_u < 0.01 then
          perform app.cancel_bill(v_bill, 'Raised twice at the counter; the other bill stands');
          continue;
        end if;
        continue when v_u < 0.05 or (v_d <= 2 and v_u < 0.20);
        v_cash := case when v_u < 0.51 then 0
                       when v_u < 0.90 then v_total
                       else (v_total / 2 / 100) * 100 end;
        v_online := v_total - v_cash;

        if v_cash > 0 then
          if not v_shift_opened then
            v_shift := app.open_shift_at(200000, case when v_d > 0
                                                      then ((v_day::timestamp + time '08:45') at time zone 'Asia/Kolkata')
                                                      else v_opening + (v_cutoff - v_opening) * 0.05 end);
            v_shift_opened := true;
          end if;
          v_key := 'demo-cash-' || v_fac.no || '-' || to_char(v_day, 'YYYYMMDD') || '-' || v_v;
          v_collection := app.collect_cash_at(v_bill, v_cash, v_key, v_at + interval '5 minutes');
          -- 3 % of collections paid back in part or in full later that day, out of the same drawer
          if random() < 0.03 then
            perform app.refund_cash_at(v_collection, case when random() < 0.5 then v_cash else (v_cash / 2 / 100) * 100 end,
                                       'Test not done: the sample could not be taken', v_key || '-refund',
                                       least(v_at + interval '90 minutes', v_cutoff));
          end if;
        end if;

        if v_online > 0 then
          v_gateway := case when random() < 0.7 then 'razorpay' else 'payu' end;
          v_u := random();
          v_method := case when v_u < 0.45 then 'upi' when v_u < 0.70 then 'card' when v_u < 0.82 then 'netbanking'
                           when v_u < 0.92 then 'wallet' else 'rupay_debit' end;
          v_order := 'order_DEMO' || v_fac.no || to_char(v_day, 'YYYYMMDD') || lpad(v_v::text, 2, '0');
          perform app.create_payment_order_at(v_bill, v_gateway, v_order, v_online, v_at + interval '3 minutes');
          perform app.set_current_user(c_webhook, v_secret), app.set_current_tenant(v_fac.id);
          -- 6 % of first attempts declined by the bank
          if random() < 0.06 then
            perform app.record_payment_failed_at(v_gateway, v_order, 'pay_DEMO' || v_seq || 'X', v_method,
                                                 'Declined by the issuing bank', v_at + interval '5 minutes');
          end if;
          v_payment := app.capture_payment_at(v_bill, v_gateway, v_order, 'pay_DEMO' || v_seq, v_method, v_online,
                                              v_at + interval '7 minutes');
          -- 4 % refunded by the gateway a few hours later, in full or in part
          if random() < 0.04 and v_at + interval '3 hours' < v_cutoff then
            perform app.refund_payment_at(v_payment, 'rfnd_DEMO' || v_seq,
                                          case when random() < 0.5 then v_online else (v_online / 2 / 100) * 100 end,
                                          'Appointment rescheduled; paid again at the next visit', v_at + interval '3 hours');
          end if;
        end if;
      end loop;

      -- the shift closes at 20:30 with the drawer counted (one in twenty ₹50 short); today's stays open
      if v_shift_opened and v_d > 0 then
        perform app.set_current_user(v_fac.clerk, v_clerk_token), app.set_current_tenant(v_fac.id);
        select s.opening_float_paise
               + (select coalesce(sum(c.amount_collected_paise), 0) from public.cash_collections c
                  where c.facility_id = v_fac.id and c.shift_id = s.id)
               - (select coalesce(sum(r.amount_paise), 0) from public.cash_refunds r
                  where r.facility_id = v_fac.id and r.shift_id = s.id)
        into v_counted from public.cashier_shifts s where s.facility_id = v_fac.id and s.id = v_shift;
        if random() < 0.05 then
          v_counted := v_counted - 5000;
        end if;
        perform app.close_shift_at(v_shift, v_counted, (v_day::timestamp + time '20:30') at time zone 'Asia/Kolkata');
      end if;
    end loop;
  end loop;

  -- the dashboards' materialized views, filled now rather than at the first scheduled refresh
  perform app.set_current_user(c_super, v_super_token), app.set_current_tenant(null);
  perform app.refresh_reporting_views();

  perform app.set_current_user(null, null);
  delete from app.system_keys where key_id = 'demo-loader';
end
$$;

reset role;
