-- ============================================================================
-- Billing: products, bills, lines, numbering, issue: functions, trigger functions and views.
--
-- Repeatable: Flyway runs this file again whenever it changes, so every
-- statement here can run twice (create or replace, grants, comments).
-- Tables, types and policies of the area are in V0007__billing.sql.
-- ============================================================================

-- ----------------------------------------------------------------------------
-- The arithmetic of one line: the only place where GST is rounded and split.
-- ----------------------------------------------------------------------------
create or replace function app.bill_line_amounts(
  p_quantity          integer,
  p_unit_price_paise  bigint,
  p_discount_paise    bigint,
  p_gst_rate          numeric,
  p_intra_state       boolean,
  out gross_paise     bigint,
  out taxable_paise   bigint,
  out cgst_paise      bigint,
  out sgst_paise      bigint,
  out igst_paise      bigint,
  out tax_paise       bigint,
  out total_paise     bigint
)
language sql immutable
set search_path = pg_catalog, pg_temp
as $$
  select x.gross, x.gross - p_discount_paise,
         case when p_intra_state then t.gst - t.gst / 2 else 0 end,
         case when p_intra_state then t.gst / 2 else 0 end,
         case when p_intra_state then 0 else t.gst end,
         t.gst,
         x.gross - p_discount_paise + t.gst
  from (select p_quantity::bigint * p_unit_price_paise as gross) x
  -- numeric round() rounds half away from zero: half up for amounts that are never negative
  cross join lateral (select round((x.gross - p_discount_paise)::numeric * p_gst_rate)::bigint as gst) t
$$;
comment on function app.bill_line_amounts(integer, bigint, bigint, numeric, boolean) is
  'Amounts of one bill line: gross, taxable, CGST/SGST (odd paisa to CGST) or IGST, GST rounded half up once, total.';

-- The status an issued bill has once paid_paise of total_paise is settled.
create or replace function app.bill_status_for_payment(p_total_paise bigint, p_paid_paise bigint) returns public.bill_status
language sql immutable
set search_path = pg_catalog, pg_temp
as $$
  select case when p_paid_paise <= 0 then 'issued'::public.bill_status
              when p_paid_paise < p_total_paise then 'partially_paid'::public.bill_status
              else 'paid'::public.bill_status end
$$;
comment on function app.bill_status_for_payment(bigint, bigint) is
  'issued, partially_paid or paid, from the paid amount of an issued bill; later payment code sets paid_paise and the status follows.';

-- ----------------------------------------------------------------------------
-- Spreading the discount and summing up: every line of the bill gets its share
-- of the bill discount (its updates let the line trigger recompute its GST
-- under the bill's current place of supply), then the header gets the sums.
--
-- Largest remainder: line i of gross g_i gets floor(D × g_i / G) paise, and
-- the paise left over (fewer than the number of lines) go one each to the
-- lines with the largest remainders (D × g_i mod G), ties to the lower line_no.
-- Shares sum to D exactly and never exceed a line's gross.
--
-- Definer rights: writers hold no privilege on the derived columns. It is only
-- reached from the triggers below, for the bill whose line or header the
-- writer was allowed to change.
-- ----------------------------------------------------------------------------
create or replace function app.recompute_bill(p_bill uuid) returns void
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_discount bigint;
  v_status public.bill_status;
  v_subtotal bigint;
begin
  select b.discount_paise, b.status into v_discount, v_status from public.bills b where b.id = p_bill;
  if v_status is distinct from 'draft' then
    return;  -- frozen (or gone): the triggers of the bill refuse any change anyway
  end if;
  select coalesce(sum(i.gross_paise), 0) into v_subtotal from public.bill_items i where i.bill_id = p_bill;
  if v_discount > v_subtotal then
    raise exception 'the bill discount (% paise) would exceed its subtotal (% paise)', v_discount, v_subtotal
      using errcode = 'check_violation', hint = 'reduce the discount first';
  end if;

  update public.bill_items i set discount_paise = s.share
  from (
    select r.id,
           (r.base + case when r.rank <= v_discount - sum(r.base) over () then 1 else 0 end)::bigint as share
    from (
      select q.id, q.base, row_number() over (order by q.remainder desc, q.line_no) as rank
      from (
        select l.id, l.line_no,
               case when v_subtotal = 0 then 0 else div(v_discount::numeric * l.gross_paise, v_subtotal) end as base,
               case when v_subtotal = 0 then 0 else mod(v_discount::numeric * l.gross_paise, v_subtotal) end as remainder
        from public.bill_items l
        where l.bill_id = p_bill
      ) q
    ) r
  ) s
  where i.id = s.id and i.bill_id = p_bill;

  update public.bills b
  set subtotal_paise = t.gross, taxable_paise = t.taxable, cgst_paise = t.cgst, sgst_paise = t.sgst,
      igst_paise = t.igst, tax_paise = t.tax, total_paise = t.total
  from (
    select coalesce(sum(i.gross_paise), 0) as gross, coalesce(sum(i.taxable_paise), 0) as taxable,
           coalesce(sum(i.cgst_paise), 0) as cgst, coalesce(sum(i.sgst_paise), 0) as sgst,
           coalesce(sum(i.igst_paise), 0) as igst, coalesce(sum(i.tax_paise), 0) as tax,
           coalesce(sum(i.total_paise), 0) as total
    from public.bill_items i where i.bill_id = p_bill
  ) t
  where b.id = p_bill;
end
$$;
revoke all on function app.recompute_bill(uuid) from public;
alter function app.recompute_bill(uuid) owner to careledger_definer;
comment on function app.recompute_bill(uuid) is
  'Spreads a draft bill''s discount over its lines (largest remainder) and sums the lines into the header. Trigger use only.';

-- ----------------------------------------------------------------------------
-- Bills: what a writer may set, and what happens when.
-- ----------------------------------------------------------------------------

-- A new bill is a draft with nothing on it, made by the signed-in user, in the
-- facility's GST state; the place of supply defaults to that state.
create or replace function app.check_bill_insert() returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
  v_state char(2);
begin
  select f.state_code into v_state from public.facilities f where f.id = new.facility_id;
  if not found then
    raise exception 'facility % does not exist or is not yours', new.facility_id using errcode = 'foreign_key_violation';
  end if;
  if v_state is null then
    raise exception 'the facility has no GST state code: set it before billing' using errcode = 'check_violation';
  end if;
  new.supplier_state_code := v_state;
  new.place_of_supply_state := coalesce(new.place_of_supply_state, v_state);
  new.status := 'draft';
  new.subtotal_paise := 0; new.taxable_paise := 0; new.cgst_paise := 0; new.sgst_paise := 0;
  new.igst_paise := 0; new.tax_paise := 0; new.total_paise := 0; new.paid_paise := 0;
  new.financial_year := null; new.bill_serial := null; new.bill_number := null;
  new.issued_at := null; new.issued_on := null; new.issued_by := null;
  new.cancelled_at := null; new.cancelled_by := null; new.cancel_reason := null;
  new.created_by := coalesce(app.current_user_id(), new.created_by);
  new.created_at := now();
  return new;
end
$$;

-- The appointment exists in the bill's facility, for the bill's patient (seen
-- with the writer's rights). Its starts_on is filled in when left out.
create or replace function app.check_bill_appointment() returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
  v_patient uuid;
  v_starts_on date;
begin
  if new.appointment_id is null then
    return new;
  end if;
  select a.patient_id, a.starts_on into v_patient, v_starts_on
  from public.appointments a
  where a.facility_id = new.facility_id and a.id = new.appointment_id
    and (new.appointment_starts_on is null or a.starts_on = new.appointment_starts_on);
  if not found then
    raise exception 'appointment % does not exist in this facility', new.appointment_id
      using errcode = 'foreign_key_violation';
  end if;
  if v_patient <> new.patient_id then
    raise exception 'appointment % is not the bill''s patient''s', new.appointment_id using errcode = 'check_violation';
  end if;
  new.appointment_starts_on := v_starts_on;
  return new;
end
$$;

-- What an update may change:
--   never: id, facility, patient, supplier state, creator, creation time;
--   draft: header fields and derived amounts (app.recompute_bill); -> issued
--          only with its number (app.issue_bill); -> cancelled;
--   issued / partially_paid / paid: frozen, except paid_paise, the status
--          that follows it, and the cancellation of an unpaid issued bill;
--   cancelled: nothing.
create or replace function app.check_bill_update() returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
  v_derived public.bill_status;
  -- generated columns are not computed yet in a BEFORE trigger: never compare them
  v_mutable text[] := array['paid_paise', 'status', 'amount_due_paise', 'intra_state'];
begin
  if (new.id, new.facility_id, new.patient_id, new.supplier_state_code, new.created_by, new.created_at)
     is distinct from (old.id, old.facility_id, old.patient_id, old.supplier_state_code, old.created_by, old.created_at) then
    raise exception 'a bill keeps its id, facility, patient, supplier state and creator'
      using errcode = 'integrity_constraint_violation';
  end if;
  if old.status = 'cancelled' then
    raise exception 'bill % is cancelled: it no longer changes', coalesce(old.bill_number, old.id::text)
      using errcode = 'object_not_in_prerequisite_state';
  end if;

  if new.status = 'cancelled' and old.status <> 'cancelled' then
    if not (old.status = 'draft' or (old.status = 'issued' and old.paid_paise = 0 and new.paid_paise = 0)) then
      raise exception 'only a draft or an unpaid issued bill can be cancelled (bill % is %)',
        coalesce(old.bill_number, old.id::text), old.status
        using errcode = 'object_not_in_prerequisite_state';
    end if;
    if coalesce(btrim(new.cancel_reason), '') = '' then
      raise exception 'a cancellation needs a reason' using errcode = 'check_violation';
    end if;
    new.cancelled_at := now();
    new.cancelled_by := app.current_user_id();
    v_mutable := v_mutable || array['cancelled_at', 'cancelled_by', 'cancel_reason'];
  end if;

  if old.status = 'draft' then
    if new.status not in ('draft', 'cancelled')
       and not (new.status = 'issued' and old.bill_number is null and new.bill_number is not null) then
      raise exception 'a draft bill is issued by app.issue_bill, or cancelled' using errcode = 'object_not_in_prerequisite_state';
    end if;
    -- a new discount or place of supply: the header stays consistent until app.recompute_bill (after this
    -- row) spreads and taxes the lines again
    new.taxable_paise := new.subtotal_paise - new.discount_paise;
    if new.place_of_supply_state is distinct from old.place_of_supply_state then
      if new.place_of_supply_state = new.supplier_state_code then
        new.cgst_paise := new.tax_paise - new.tax_paise / 2; new.sgst_paise := new.tax_paise / 2; new.igst_paise := 0;
      else
        new.cgst_paise := 0; new.sgst_paise := 0; new.igst_paise := new.tax_paise;
      end if;
    end if;
    new.total_paise := new.taxable_paise + new.tax_paise;
    return new;
  end if;

  -- issued, partially_paid or paid
  if (to_jsonb(new) - v_mutable) <> (to_jsonb(old) - v_mutable) then
    raise exception 'bill % is issued: its header and lines are frozen', old.bill_number
      using errcode = 'object_not_in_prerequisite_state';
  end if;
  if new.status <> 'cancelled' then
    v_derived := app.bill_status_for_payment(new.total_paise, new.paid_paise);
    if new.status <> old.status and new.status <> v_derived then
      raise exception 'the status of an issued bill follows its payments (% of % paise paid: %)',
        new.paid_paise, new.total_paise, v_derived using errcode = 'check_violation';
    end if;
    new.status := v_derived;
  end if;
  return new;
end
$$;

-- A new discount or place of supply re-spreads and re-taxes the lines.
create or replace function app.bill_header_changed() returns trigger
language plpgsql security definer
set search_path = pg_catalog, public, pg_temp
as $$
begin
  perform app.recompute_bill(new.id);
  return null;
end
$$;
revoke all on function app.bill_header_changed() from public;
alter function app.bill_header_changed() owner to careledger_definer;

-- ----------------------------------------------------------------------------
-- Lines: snapshot on insert, derived amounts on every write, only while the
-- bill is a draft. Each write first locks the bill row, so a line can never
-- slip onto a bill that app.issue_bill (which locks it FOR UPDATE) is issuing.
-- ----------------------------------------------------------------------------

-- The bill of a line, locked, and still a draft.
create or replace function app.lock_draft_bill(p_facility uuid, p_bill uuid) returns public.bills
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
  v_bill public.bills;
begin
  select b.* into v_bill from public.bills b
  where b.facility_id = p_facility and b.id = p_bill
  for no key update;
  if not found then
    raise exception 'bill % does not exist in this facility', p_bill using errcode = 'foreign_key_violation';
  end if;
  if v_bill.status <> 'draft' then
    raise exception 'bill % is %: its lines change only while it is a draft', coalesce(v_bill.bill_number, p_bill::text),
      v_bill.status using errcode = 'object_not_in_prerequisite_state';
  end if;
  return v_bill;
end
$$;
revoke all on function app.lock_draft_bill(uuid, uuid) from public;
grant execute on function app.lock_draft_bill(uuid, uuid) to careledger_app, careledger_definer, careledger_patient;

create or replace function app.check_quantity(p_quantity integer) returns void
language plpgsql immutable
set search_path = pg_catalog, pg_temp
as $$
begin
  if p_quantity is null or p_quantity < 1 or p_quantity > 100000 then
    raise exception 'quantity must be a whole number from 1 to 100000 (got %)', coalesce(p_quantity::text, 'none')
      using errcode = 'check_violation';
  end if;
end
$$;

-- A line with its amounts worked out from quantity, price, discount share and
-- rate (app.bill_line_amounts): what both line triggers store.
create or replace function app.with_line_amounts(p_line public.bill_items, p_intra_state boolean) returns public.bill_items
language plpgsql immutable
set search_path = pg_catalog, pg_temp
as $$
declare
  a record;
begin
  select * into a from app.bill_line_amounts(p_line.quantity, p_line.unit_price_paise, p_line.discount_paise,
                                            p_line.gst_rate, p_intra_state);
  p_line.gross_paise := a.gross_paise; p_line.taxable_paise := a.taxable_paise; p_line.cgst_paise := a.cgst_paise;
  p_line.sgst_paise := a.sgst_paise; p_line.igst_paise := a.igst_paise; p_line.tax_paise := a.tax_paise;
  p_line.total_paise := a.total_paise;
  return p_line;
end
$$;

-- A new line: the service or product of the bill's facility, its name, code,
-- GST rate and price as they are now; the patient of the bill; the next number.
create or replace function app.check_bill_item_insert() returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
  v_bill public.bills;
  v_active boolean;
begin
  v_bill := app.lock_draft_bill(new.facility_id, new.bill_id);
  perform app.check_quantity(new.quantity);
  if num_nonnulls(new.service_id, new.product_id) <> 1 then
    raise exception 'a bill line is either a service or a product' using errcode = 'check_violation';
  end if;
  if new.service_id is not null then
    select s.name, s.hsn_sac_code, s.gst_rate, s.price_paise, s.active, 'service'
      into new.description, new.hsn_sac_code, new.gst_rate, new.unit_price_paise, v_active, new.unit
    from public.services s where s.facility_id = new.facility_id and s.id = new.service_id;
  else
    select p.name, p.hsn_code, p.gst_rate, p.price_paise, p.active, p.unit
      into new.description, new.hsn_sac_code, new.gst_rate, new.unit_price_paise, v_active, new.unit
    from public.products p where p.facility_id = new.facility_id and p.id = new.product_id;
  end if;
  if v_active is null then
    raise exception '% % does not exist in this facility', case when new.service_id is null then 'product' else 'service' end,
      coalesce(new.service_id, new.product_id) using errcode = 'foreign_key_violation';
  end if;
  if not v_active then
    raise exception '% is no longer offered', new.description using errcode = 'check_violation';
  end if;
  new.patient_id := v_bill.patient_id;
  new.line_no := (select coalesce(max(i.line_no), 0) + 1 from public.bill_items i where i.bill_id = new.bill_id);
  new.discount_paise := 0;  -- app.recompute_bill gives the line its share after the insert
  new.created_at := now();
  return app.with_line_amounts(new, v_bill.intra_state);
end
$$;

-- A changed line (its quantity, or its discount share from app.recompute_bill)
-- gets its amounts again; nothing it snapshotted changes.
create or replace function app.check_bill_item_update() returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
  v_bill public.bills;
begin
  v_bill := app.lock_draft_bill(old.facility_id, old.bill_id);
  if (new.id, new.facility_id, new.bill_id, new.patient_id, new.line_no, new.service_id, new.product_id,
      new.description, new.hsn_sac_code, new.gst_rate, new.unit, new.unit_price_paise, new.created_at)
     is distinct from
     (old.id, old.facility_id, old.bill_id, old.patient_id, old.line_no, old.service_id, old.product_id,
      old.description, old.hsn_sac_code, old.gst_rate, old.unit, old.unit_price_paise, old.created_at) then
    raise exception 'a bill line keeps what it was added with; remove it and add another'
      using errcode = 'integrity_constraint_violation';
  end if;
  perform app.check_quantity(new.quantity);
  -- until app.recompute_bill re-spreads the discount, a smaller line keeps at most its gross
  new.discount_paise := least(new.discount_paise, new.quantity::bigint * new.unit_price_paise);
  return app.with_line_amounts(new, v_bill.intra_state);
end
$$;

create or replace function app.check_bill_item_delete() returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
  perform app.lock_draft_bill(old.facility_id, old.bill_id);
  return old;
end
$$;

-- After a line is added, removed or changes quantity, the bill is summed again.
create or replace function app.bill_item_changed() returns trigger
language plpgsql security definer
set search_path = pg_catalog, public, pg_temp
as $$
begin
  perform app.recompute_bill(coalesce(new.bill_id, old.bill_id));
  return null;
end
$$;
revoke all on function app.bill_item_changed() from public;
alter function app.bill_item_changed() owner to careledger_definer;

-- ----------------------------------------------------------------------------
-- The portal's calls. Each runs with the caller's rights, so the policies
-- above decide; they only spare the portal the column lists and give a clear
-- error when nothing was found. Plain INSERT/UPDATE/DELETE under the same
-- policies do the same.
-- ----------------------------------------------------------------------------
create or replace function app.create_bill(
  p_facility              uuid,
  p_patient               uuid,
  p_appointment           uuid default null,
  p_place_of_supply_state text default null,
  p_notes                 text default null
) returns uuid
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $$
declare
  v_bill uuid;
begin
  insert into public.bills (facility_id, patient_id, appointment_id, place_of_supply_state, notes)
  values (p_facility, p_patient, p_appointment, p_place_of_supply_state, p_notes)
  returning id into v_bill;
  return v_bill;
end
$$;
comment on function app.create_bill(uuid, uuid, uuid, text, text) is
  'Creates a draft bill for a patient (optionally for an appointment; place of supply defaults to the facility''s state).';

-- A line for a service or a product (exactly one given) on a bill the caller may edit.
create or replace function app.add_bill_line(p_bill uuid, p_service uuid, p_product uuid, p_quantity integer) returns uuid
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $$
declare
  v_line uuid;
begin
  insert into public.bill_items (facility_id, bill_id, service_id, product_id, quantity)
  select b.facility_id, b.id, p_service, p_product, p_quantity from public.bills b where b.id = p_bill
  returning id into v_line;
  if v_line is null then
    raise exception 'bill % not found', p_bill using errcode = 'no_data_found';
  end if;
  return v_line;
end
$$;

create or replace function app.add_bill_service(p_bill uuid, p_service uuid, p_quantity integer default 1) returns uuid
language sql volatile
set search_path = pg_catalog, pg_temp
as $$ select app.add_bill_line(p_bill, p_service, null, p_quantity) $$;
comment on function app.add_bill_service(uuid, uuid, integer) is
  'Adds a service line to a draft bill at the service''s current price, SAC code and GST rate.';

create or replace function app.add_bill_product(p_bill uuid, p_product uuid, p_quantity integer default 1) returns uuid
language sql volatile
set search_path = pg_catalog, pg_temp
as $$ select app.add_bill_line(p_bill, null, p_product, p_quantity) $$;
comment on function app.add_bill_product(uuid, uuid, integer) is
  'Adds a product line to a draft bill at the product''s current price, HSN code and GST rate.';

create or replace function app.set_bill_line_quantity(p_line uuid, p_quantity integer) returns void
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $$
begin
  update public.bill_items i set quantity = p_quantity where i.id = p_line;
  if not found then
    raise exception 'bill line % not found', p_line using errcode = 'no_data_found';
  end if;
end
$$;

create or replace function app.remove_bill_line(p_line uuid) returns void
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $$
begin
  delete from public.bill_items i where i.id = p_line;
  if not found then
    raise exception 'bill line % not found', p_line using errcode = 'no_data_found';
  end if;
end
$$;

create or replace function app.set_bill_discount(p_bill uuid, p_discount_paise bigint) returns void
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $$
declare
  v_subtotal bigint;
begin
  select b.subtotal_paise into v_subtotal from public.bills b where b.id = p_bill;
  if not found then
    raise exception 'bill % not found', p_bill using errcode = 'no_data_found';
  end if;
  if p_discount_paise is null or p_discount_paise < 0 then
    raise exception 'a discount is 0 or more paise (got %)', coalesce(p_discount_paise::text, 'none')
      using errcode = 'check_violation';
  end if;
  if p_discount_paise > v_subtotal then
    raise exception 'the bill discount (% paise) would exceed its subtotal (% paise)', p_discount_paise, v_subtotal
      using errcode = 'check_violation';
  end if;
  update public.bills b set discount_paise = p_discount_paise where b.id = p_bill;
  if not found then
    raise exception 'bill % not found', p_bill using errcode = 'no_data_found';
  end if;
end
$$;

create or replace function app.set_bill_place_of_supply(p_bill uuid, p_state text) returns void
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $$
begin
  update public.bills b set place_of_supply_state = p_state where b.id = p_bill;
  if not found then
    raise exception 'bill % not found', p_bill using errcode = 'no_data_found';
  end if;
end
$$;

create or replace function app.cancel_bill(p_bill uuid, p_reason text) returns void
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $$
begin
  if p_reason is not null and not app.is_clean_text(p_reason, 500, true) then
    raise exception 'a cancel reason is plain text of at most 500 characters: no control or invisible characters (zero-width space, direction overrides)'
      using errcode = 'check_violation';
  end if;
  update public.bills b set status = 'cancelled', cancel_reason = p_reason where b.id = p_bill;
  if not found then
    raise exception 'bill % not found', p_bill using errcode = 'no_data_found';
  end if;
end
$$;
comment on function app.cancel_bill(uuid, text) is
  'Cancels a draft or an unpaid issued bill (an issued bill keeps its number: the series stays gap-free).';

-- ----------------------------------------------------------------------------
-- The facility's prefix on its documents: by default the initials of its name
-- (Sanjeevani Multispeciality Hospital: SMH), at most three; apostrophes do
-- not split words (Mehta's is one word).
-- ----------------------------------------------------------------------------
create or replace function app.default_invoice_prefix(p_name text) returns text
language sql immutable
set search_path = pg_catalog, pg_temp
as $$
  select coalesce(nullif(left(string_agg(upper(left(w.word, 1)), '' order by w.n), 3), ''), 'INV')
  from regexp_split_to_table(btrim(regexp_replace(replace(coalesce(p_name, ''), '''', ''), '[^A-Za-z0-9]+', ' ', 'g')), ' ')
       with ordinality as w(word, n)
  where w.word <> ''
$$;
comment on function app.default_invoice_prefix(text) is 'Initials of a facility name, at most 3 (INV when there are none).';

create or replace function app.default_facility_invoice_prefix() returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
  new.invoice_prefix := coalesce(new.invoice_prefix, app.default_invoice_prefix(new.name));
  return new;
end
$$;

-- ----------------------------------------------------------------------------
-- Financial years: April to March, of the IST date. 2026 stands for 2026-27.
-- ----------------------------------------------------------------------------
create or replace function app.financial_year(p_at timestamptz) returns smallint
language sql immutable
set search_path = pg_catalog, pg_temp
as $$
  -- April 1 minus three months is January 1: the year of the date three months earlier
  select extract(year from (p_at at time zone 'Asia/Kolkata') - interval '3 months')::smallint
$$;
comment on function app.financial_year(timestamptz) is
  'Indian financial year (April–March) of the IST date of a moment, by its first year: 31 Mar 2027 23:59 IST is 2026, 1 Apr 2027 00:00 IST is 2027.';

create or replace function app.financial_year_label(p_year smallint) returns text
language sql immutable
set search_path = pg_catalog, pg_temp
as $$
  select p_year::text || '-' || lpad(((p_year + 1) % 100)::text, 2, '0')
$$;
comment on function app.financial_year_label(smallint) is 'A financial year as people write it: 2026-27.';

-- PREFIX/YY-YY/NNNNNN. A series ends at 999999 (GST's 16 characters).
create or replace function app.format_document_number(p_prefix text, p_year smallint, p_serial integer) returns text
language plpgsql immutable
set search_path = pg_catalog, pg_temp
as $$
begin
  if p_serial not between 1 and 999999 then
    raise exception 'document serial % is outside 1..999999 for %', p_serial, app.financial_year_label(p_year)
      using errcode = 'numeric_value_out_of_range';
  end if;
  return p_prefix || '/' || lpad((p_year % 100)::text, 2, '0') || '-' || lpad(((p_year + 1) % 100)::text, 2, '0')
         || '/' || lpad(p_serial::text, 6, '0');
end
$$;
comment on function app.format_document_number(text, smallint, integer) is
  'Document number PREFIX/YY-YY/NNNNNN (at most 16 characters), e.g. SMH/26-27/000123.';

-- ----------------------------------------------------------------------------
-- Issuing. Definer rights, because it writes the counter and the number,
-- which the app role cannot; so it checks the caller itself: the bill must be
-- visible to them and they must hold billing.manage there.
--
-- app.issue_bill_at takes the moment of issue, for tests of the financial-year
-- boundary and for imports; only the owner may call it. The app calls
-- app.issue_bill, which issues now.
-- ----------------------------------------------------------------------------
create or replace function app.issue_bill_at(p_bill uuid, p_at timestamptz) returns text
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_bill public.bills;
  v_prefix text;
  v_gstin text;
  v_year smallint := app.financial_year(p_at);
  v_serial integer;
  v_number text;
begin
  select b.* into v_bill from public.bills b where b.id = p_bill;
  if not found or not (v_bill.facility_id = any (app.visible_facilities())) then
    raise exception 'bill % not found', p_bill using errcode = 'no_data_found';
  end if;
  if not coalesce(app.has_permission('billing.manage'), false) then
    raise exception 'issuing bills needs billing.manage' using errcode = 'insufficient_privilege';
  end if;

  -- waits for line edits in flight; a concurrent issue or cancel of this bill waits for us
  select b.* into v_bill from public.bills b where b.id = p_bill for update;
  if v_bill.status <> 'draft' then
    raise exception 'bill % is already %', coalesce(v_bill.bill_number, p_bill::text), v_bill.status
      using errcode = 'object_not_in_prerequisite_state';
  end if;
  if not exists (select 1 from public.bill_items i where i.bill_id = p_bill) then
    raise exception 'a bill without lines cannot be issued' using errcode = 'check_violation';
  end if;
  if v_bill.total_paise <= 0 then
    raise exception 'a bill with a total of 0 cannot be issued; cancel it instead' using errcode = 'check_violation';
  end if;
  select f.invoice_prefix, f.gstin into v_prefix, v_gstin from public.facilities f where f.id = v_bill.facility_id;
  if v_bill.tax_paise > 0 and v_gstin is null then
    raise exception 'only a GST-registered facility charges GST: set the facility''s GSTIN before issuing'
      using errcode = 'check_violation';
  end if;

  -- the next number of the series, under the counter's row lock until commit
  insert into public.document_counters as c (facility_id, document_kind, financial_year, last_number, updated_at)
  values (v_bill.facility_id, 'tax_invoice', v_year, 1, p_at)
  on conflict (facility_id, document_kind, financial_year)
  do update set last_number = c.last_number + 1, updated_at = excluded.updated_at
  returning c.last_number into v_serial;
  v_number := app.format_document_number(v_prefix, v_year, v_serial);

  update public.bills b
  set status = 'issued', bill_number = v_number, financial_year = v_year, bill_serial = v_serial,
      issued_at = p_at, issued_on = (p_at at time zone 'Asia/Kolkata')::date, issued_by = app.current_user_id()
  where b.id = p_bill;
  return v_number;
end
$$;
revoke all on function app.issue_bill_at(uuid, timestamptz) from public;
alter function app.issue_bill_at(uuid, timestamptz) owner to careledger_definer;
comment on function app.issue_bill_at(uuid, timestamptz) is
  'Issues a draft bill as of a given moment (tests, imports; owner only): gap-free number, freeze.';

create or replace function app.issue_bill(p_bill uuid) returns text
language sql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select app.issue_bill_at(p_bill, now())
$$;
revoke all on function app.issue_bill(uuid) from public;
grant execute on function app.issue_bill(uuid) to careledger_app, careledger_patient;
alter function app.issue_bill(uuid) owner to careledger_definer;
comment on function app.issue_bill(uuid) is
  'Issues a draft bill now: the next gap-free tax invoice number of its facility and financial year (IST), issued_at, freeze. Needs billing.manage.';

do $$
declare
  f text;
begin
  foreach f in array array[
    'app.create_bill(uuid, uuid, uuid, text, text)', 'app.add_bill_service(uuid, uuid, integer)',
    'app.add_bill_product(uuid, uuid, integer)', 'app.set_bill_line_quantity(uuid, integer)',
    'app.remove_bill_line(uuid)', 'app.set_bill_discount(uuid, bigint)', 'app.set_bill_place_of_supply(uuid, text)',
    'app.cancel_bill(uuid, text)', 'app.bill_line_amounts(integer, bigint, bigint, numeric, boolean)',
    'app.bill_status_for_payment(bigint, bigint)', 'app.check_quantity(integer)'] loop
    execute format('revoke all on function %s from public', f);
    execute format('grant execute on function %s to careledger_app, careledger_definer, careledger_patient', f);
  end loop;
end
$$;

-- ----------------------------------------------------------------------------
-- Triggers of this area's functions (create or replace: re-run with the file).
-- ----------------------------------------------------------------------------

create or replace trigger bills_check_insert
  before insert on bills
  for each row execute function app.check_bill_insert();

create or replace trigger bills_check_appointment
  before insert or update of appointment_id, appointment_starts_on on bills
  for each row execute function app.check_bill_appointment();

create or replace trigger bills_check_update
  before update on bills
  for each row execute function app.check_bill_update();

create or replace trigger bills_recompute
  after update of discount_paise, place_of_supply_state on bills
  for each row when (new.status = 'draft') execute function app.bill_header_changed();

create or replace trigger bill_items_check_insert
  before insert on bill_items
  for each row execute function app.check_bill_item_insert();

create or replace trigger bill_items_check_update
  before update on bill_items
  for each row execute function app.check_bill_item_update();

create or replace trigger bill_items_check_delete
  before delete on bill_items
  for each row execute function app.check_bill_item_delete();

create or replace trigger bill_items_recompute
  after insert or delete or update of quantity on bill_items
  for each row execute function app.bill_item_changed();

create or replace trigger facilities_default_invoice_prefix
  before insert on facilities
  for each row execute function app.default_facility_invoice_prefix();
