-- ============================================================================
-- Bills and their lines: the facility's charges to a patient, priced from its
-- services and products, with every amount computed here in integer paise.
--
--   line gross     = quantity × unit price                 (exact)
--   line discount  = the bill discount spread over lines by largest remainder,
--                    in proportion to line gross (ties: lower line_no first)
--   line taxable   = gross − discount
--   line GST       = round half up (taxable × GST rate)    (the one rounding)
--                    intra-state: CGST = GST − SGST, SGST = floor(GST / 2)
--                    (an odd paisa goes to CGST); inter-state: IGST = GST
--   line total     = taxable + GST
--   bill amounts   = sums of the line amounts; discount = the bill discount
--
-- Writers touch only what a clerk decides (patient, appointment, place of
-- supply, discount, which service or product, quantity); triggers snapshot
-- prices and codes and derive every amount, so no writer can set a total.
-- A bill is editable while draft; app.issue_bill (V0042) numbers and freezes
-- it; afterwards only payments (paid_paise, later migrations) and a
-- cancellation of an unpaid bill change it. docs/ledger.md, "Bills", records
-- every choice.
--
-- Unpartitioned: bill numbers must be unique across time, and payments and
-- cash collections will reference bills by (facility_id, id).
-- ============================================================================

create type bill_status as enum ('draft', 'issued', 'partially_paid', 'paid', 'cancelled');

create table bills (
  id                     uuid primary key default gen_random_uuid(),
  facility_id            uuid not null references facilities (id),
  patient_id             uuid not null,
  appointment_id         uuid,
  appointment_starts_on  date,
  status                 bill_status not null default 'draft',
  supplier_state_code    char(2) not null check (supplier_state_code ~ '^[0-9]{2}$'),
  place_of_supply_state  char(2) not null check (place_of_supply_state ~ '^[0-9]{2}$'),
  intra_state            boolean generated always as (place_of_supply_state = supplier_state_code) stored,
  subtotal_paise         bigint not null default 0 check (subtotal_paise >= 0),
  discount_paise         bigint not null default 0 check (discount_paise >= 0),
  taxable_paise          bigint not null default 0 check (taxable_paise >= 0),
  cgst_paise             bigint not null default 0 check (cgst_paise >= 0),
  sgst_paise             bigint not null default 0 check (sgst_paise >= 0),
  igst_paise             bigint not null default 0 check (igst_paise >= 0),
  tax_paise              bigint not null default 0 check (tax_paise >= 0),
  total_paise            bigint not null default 0 check (total_paise >= 0),
  paid_paise             bigint not null default 0,
  amount_due_paise       bigint generated always as (total_paise - paid_paise) stored,
  financial_year         smallint,
  bill_serial            integer,
  bill_number            text,
  issued_at              timestamptz,
  issued_on              date,
  issued_by              uuid references users (id),
  cancelled_at           timestamptz,
  cancelled_by           uuid references users (id),
  cancel_reason          text check (length(btrim(cancel_reason)) between 3 and 500),
  notes                  text check (length(notes) <= 1000),
  created_by             uuid not null references users (id),
  created_at             timestamptz not null default now(),
  constraint bills_facility_id_id_key unique (facility_id, id),
  -- lines carry the patient too (a patient reads their own lines); this key keeps it the bill's
  constraint bills_facility_id_id_patient_key unique (facility_id, id, patient_id),
  constraint bills_number_key unique (facility_id, bill_number),
  constraint bills_serial_key unique (facility_id, financial_year, bill_serial),
  constraint bills_patient_fkey foreign key (facility_id, patient_id) references patients (facility_id, id),
  -- appointments are monthly partitioned: the link is checked by trigger (see V0022), both parts or none
  constraint bills_appointment_pair check ((appointment_id is null) = (appointment_starts_on is null)),
  -- the arithmetic of the header
  constraint bills_discount_within_subtotal check (discount_paise <= subtotal_paise),
  constraint bills_taxable_is_subtotal_less_discount check (taxable_paise = subtotal_paise - discount_paise),
  constraint bills_tax_is_cgst_sgst_igst check (tax_paise = cgst_paise + sgst_paise + igst_paise),
  constraint bills_total_is_taxable_plus_tax check (total_paise = taxable_paise + tax_paise),
  constraint bills_tax_follows_place_of_supply check (
    case when place_of_supply_state = supplier_state_code then igst_paise = 0 else cgst_paise = 0 and sgst_paise = 0 end),
  constraint bills_paid_within_total check (paid_paise between 0 and total_paise),
  -- the status says what the payments say (app.bill_status_for_payment)
  constraint bills_status_matches_payment check (
    case status
      when 'draft' then paid_paise = 0
      when 'issued' then paid_paise = 0
      when 'partially_paid' then paid_paise > 0 and paid_paise < total_paise
      when 'paid' then paid_paise = total_paise
      when 'cancelled' then paid_paise = 0
    end),
  -- a number, its financial year, serial, time and issuer come together, exactly on issue
  constraint bills_issue_recorded check (
    case when bill_number is null
      then financial_year is null and bill_serial is null and issued_at is null and issued_on is null and issued_by is null
      else financial_year is not null and bill_serial >= 1 and issued_at is not null and issued_by is not null
           and issued_on = (issued_at at time zone 'Asia/Kolkata')::date
           and financial_year = extract(year from issued_on - interval '3 months')
    end),
  constraint bills_number_when_issued check ((status = 'draft') = (bill_number is null) or status = 'cancelled'),
  -- GST invoice numbers: at most 16 characters of letters, digits, '-' and '/' (CGST Rules, rule 46(b))
  constraint bills_number_format check (bill_number ~ '^[A-Z0-9]{1,3}/[0-9]{2}-[0-9]{2}/[0-9]{6}$' and length(bill_number) <= 16),
  -- a tax invoice is for something
  constraint bills_issued_total_positive check (bill_number is null or total_paise > 0),
  constraint bills_cancel_recorded check (
    (status = 'cancelled') = (cancelled_at is not null)
    and (status = 'cancelled') = (cancelled_by is not null)
    and (status = 'cancelled') = (cancel_reason is not null))
);

create index bills_facility_created_idx on bills (facility_id, created_at);
create index bills_facility_patient_idx on bills (facility_id, patient_id, created_at);
create index bills_facility_status_idx on bills (facility_id, status) where status in ('draft', 'issued', 'partially_paid');
create index bills_facility_issued_on_idx on bills (facility_id, issued_on) where issued_on is not null;
create index bills_appointment_idx on bills (facility_id, appointment_id) where appointment_id is not null;
create index bills_created_at_brin on bills using brin (created_at);
alter table bills enable row level security;
alter table bills force row level security;

comment on table bills is
  'A facility''s bill to a patient: draft (editable), then issued as a numbered tax invoice and frozen; amounts in paise, computed by the database.';
comment on column bills.appointment_id is 'The appointment billed (optional, same facility and patient); checked by trigger.';
comment on column bills.appointment_starts_on is 'starts_on of the appointment: with the facility and id, its key in the partitioned appointments.';
comment on column bills.supplier_state_code is 'GST state of the facility when the bill was made.';
comment on column bills.place_of_supply_state is
  'GST state code of the place of supply: the facility''s state by default; another state makes the bill IGST.';
comment on column bills.intra_state is 'Place of supply in the facility''s state: CGST + SGST; otherwise IGST.';
comment on column bills.subtotal_paise is 'Sum of line gross amounts (quantity × unit price).';
comment on column bills.discount_paise is 'Bill-level discount, spread over the lines by largest remainder.';
comment on column bills.taxable_paise is 'Subtotal less discount: the taxable value.';
comment on column bills.tax_paise is 'CGST + SGST + IGST, each summed over the lines (rounded once per line).';
comment on column bills.total_paise is 'Taxable value plus GST: what the patient owes.';
comment on column bills.paid_paise is 'What payments and cash collections have settled so far (maintained by later migrations).';
comment on column bills.amount_due_paise is 'Total less paid.';
comment on column bills.financial_year is 'Indian financial year (April–March) of the IST date of issue, by its first year: 2026 is 2026-27.';
comment on column bills.bill_serial is 'Gap-free serial of the tax invoice within its facility and financial year.';
comment on column bills.bill_number is 'Tax invoice number, e.g. SMH/26-27/000123: facility prefix, financial year, serial.';
comment on column bills.issued_on is 'IST date of issue.';

create table bill_items (
  id                uuid primary key default gen_random_uuid(),
  facility_id       uuid not null,
  bill_id           uuid not null,
  patient_id        uuid not null,
  line_no           integer not null check (line_no >= 1),
  service_id        uuid,
  product_id        uuid,
  description       text not null check (length(btrim(description)) between 1 and 200),
  hsn_sac_code      text not null check (hsn_sac_code ~ '^[0-9]{4}([0-9]{2}([0-9]{2})?)?$'),
  gst_rate          numeric(6, 4) not null check (gst_rate between 0 and 0.40),
  unit              text not null,
  unit_price_paise  bigint not null check (unit_price_paise >= 0),
  quantity          integer not null check (quantity between 1 and 100000),
  gross_paise       bigint not null check (gross_paise >= 0),
  discount_paise    bigint not null default 0,
  taxable_paise     bigint not null check (taxable_paise >= 0),
  cgst_paise        bigint not null check (cgst_paise >= 0),
  sgst_paise        bigint not null check (sgst_paise >= 0),
  igst_paise        bigint not null check (igst_paise >= 0),
  tax_paise         bigint not null check (tax_paise >= 0),
  total_paise       bigint not null check (total_paise >= 0),
  created_at        timestamptz not null default now(),
  constraint bill_items_facility_id_id_key unique (facility_id, id),
  constraint bill_items_line_key unique (bill_id, line_no),
  constraint bill_items_bill_fkey foreign key (facility_id, bill_id, patient_id)
    references bills (facility_id, id, patient_id),
  constraint bill_items_service_fkey foreign key (facility_id, service_id) references services (facility_id, id),
  constraint bill_items_product_fkey foreign key (facility_id, product_id) references products (facility_id, id),
  constraint bill_items_service_or_product check (num_nonnulls(service_id, product_id) = 1),
  constraint bill_items_gross_is_quantity_times_price check (gross_paise = quantity::bigint * unit_price_paise),
  constraint bill_items_discount_within_gross check (discount_paise between 0 and gross_paise),
  constraint bill_items_taxable_is_gross_less_discount check (taxable_paise = gross_paise - discount_paise),
  constraint bill_items_tax_is_cgst_sgst_igst check (tax_paise = cgst_paise + sgst_paise + igst_paise),
  -- half each, the odd paisa on CGST; never both CGST/SGST and IGST
  constraint bill_items_tax_split check (cgst_paise - sgst_paise in (0, 1) and (igst_paise = 0 or cgst_paise + sgst_paise = 0)),
  constraint bill_items_total_is_taxable_plus_tax check (total_paise = taxable_paise + tax_paise)
);
create index bill_items_bill_idx on bill_items (facility_id, bill_id, line_no);
create index bill_items_service_idx on bill_items (facility_id, service_id) where service_id is not null;
create index bill_items_product_idx on bill_items (facility_id, product_id) where product_id is not null;
alter table bill_items enable row level security;
alter table bill_items force row level security;

comment on table bill_items is
  'Lines of a bill: a service or product with its price, code and GST rate snapshotted when added; amounts computed by the database.';
comment on column bill_items.patient_id is 'The bill''s patient (kept equal by the foreign key), so a patient''s own lines are visible to them.';
comment on column bill_items.line_no is 'Order on the bill; numbers of removed lines are not reused.';
comment on column bill_items.description is 'Name of the service or product when the line was added.';
comment on column bill_items.hsn_sac_code is 'SAC (services) or HSN (goods) code when the line was added.';
comment on column bill_items.gst_rate is 'GST rate when the line was added.';
comment on column bill_items.unit_price_paise is 'Price of one unit before GST when the line was added.';
comment on column bill_items.discount_paise is 'This line''s share of the bill discount (largest remainder).';
comment on column bill_items.tax_paise is 'round half up (taxable × GST rate), once per line.';

-- ----------------------------------------------------------------------------
-- The arithmetic of one line: the only place where GST is rounded and split.
-- ----------------------------------------------------------------------------
create function app.bill_line_amounts(
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
create function app.bill_status_for_payment(p_total_paise bigint, p_paid_paise bigint) returns public.bill_status
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
create function app.recompute_bill(p_bill uuid) returns void
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
create function app.check_bill_insert() returns trigger
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

create trigger bills_check_insert
  before insert on bills
  for each row execute function app.check_bill_insert();

-- The appointment exists in the bill's facility, for the bill's patient (seen
-- with the writer's rights). Its starts_on is filled in when left out.
create function app.check_bill_appointment() returns trigger
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

create trigger bills_check_appointment
  before insert or update of appointment_id, appointment_starts_on on bills
  for each row execute function app.check_bill_appointment();

-- What an update may change:
--   never: id, facility, patient, supplier state, creator, creation time;
--   draft: header fields and derived amounts (app.recompute_bill); -> issued
--          only with its number (app.issue_bill); -> cancelled;
--   issued / partially_paid / paid: frozen, except paid_paise, the status
--          that follows it, and the cancellation of an unpaid issued bill;
--   cancelled: nothing.
create function app.check_bill_update() returns trigger
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

create trigger bills_check_update
  before update on bills
  for each row execute function app.check_bill_update();

-- A new discount or place of supply re-spreads and re-taxes the lines.
create function app.bill_header_changed() returns trigger
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

create trigger bills_recompute
  after update of discount_paise, place_of_supply_state on bills
  for each row when (new.status = 'draft') execute function app.bill_header_changed();

-- ----------------------------------------------------------------------------
-- Lines: snapshot on insert, derived amounts on every write, only while the
-- bill is a draft. Each write first locks the bill row, so a line can never
-- slip onto a bill that app.issue_bill (which locks it FOR UPDATE) is issuing.
-- ----------------------------------------------------------------------------

-- The bill of a line, locked, and still a draft.
create function app.lock_draft_bill(p_facility uuid, p_bill uuid) returns public.bills
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
grant execute on function app.lock_draft_bill(uuid, uuid) to careledger_app, careledger_definer;

create function app.check_quantity(p_quantity integer) returns void
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
create function app.with_line_amounts(p_line public.bill_items, p_intra_state boolean) returns public.bill_items
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
create function app.check_bill_item_insert() returns trigger
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

create trigger bill_items_check_insert
  before insert on bill_items
  for each row execute function app.check_bill_item_insert();

-- A changed line (its quantity, or its discount share from app.recompute_bill)
-- gets its amounts again; nothing it snapshotted changes.
create function app.check_bill_item_update() returns trigger
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

create trigger bill_items_check_update
  before update on bill_items
  for each row execute function app.check_bill_item_update();

create function app.check_bill_item_delete() returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
  perform app.lock_draft_bill(old.facility_id, old.bill_id);
  return old;
end
$$;

create trigger bill_items_check_delete
  before delete on bill_items
  for each row execute function app.check_bill_item_delete();

-- After a line is added, removed or changes quantity, the bill is summed again.
create function app.bill_item_changed() returns trigger
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

create trigger bill_items_recompute
  after insert or delete or update of quantity on bill_items
  for each row execute function app.bill_item_changed();

-- ----------------------------------------------------------------------------
-- Privileges and policies. Staff with billing.manage (facility admins and the
-- super admin hold it) create and edit bills of their facility; staff who
-- collect cash read them too. A patient reads their own bills once issued
-- (drafts are work in progress). Writers reach only the columns a clerk
-- decides; every amount is derived. Bills are never deleted (cancelled);
-- lines of a draft may be.
-- ----------------------------------------------------------------------------
grant select on bills, bill_items to careledger_app;
grant insert (facility_id, patient_id, appointment_id, appointment_starts_on, place_of_supply_state, discount_paise, notes)
  on bills to careledger_app;
grant update (appointment_id, appointment_starts_on, place_of_supply_state, discount_paise, notes, status, cancel_reason)
  on bills to careledger_app;
grant insert (facility_id, bill_id, service_id, product_id, quantity) on bill_items to careledger_app;
grant update (quantity) on bill_items to careledger_app;
grant delete on bill_items to careledger_app;
grant select, insert, update on bills to careledger_definer;
grant select, insert, update, delete on bill_items to careledger_definer;

create policy "Bills are visible to billing staff and to their patient" on bills
  for select using (
    (facility_id = any ((select app.visible_facilities())::uuid[])
     and ((select app.has_permission('billing.manage')) or (select app.has_permission('cash.collect'))))
    or (patient_id = any ((select app.own_patient_ids())::uuid[]) and status <> 'draft'));
create policy "Billing staff create bills at their facility" on bills
  for insert with check (facility_id = any ((select app.visible_facilities())::uuid[])
                         and (select app.has_permission('billing.manage')));
create policy "Billing staff edit bills of their facility" on bills
  for update using (facility_id = any ((select app.visible_facilities())::uuid[])
                    and (select app.has_permission('billing.manage')))
  with check (facility_id = any ((select app.visible_facilities())::uuid[]));

create policy "Bill lines are visible to billing staff and to their patient" on bill_items
  for select using (
    (facility_id = any ((select app.visible_facilities())::uuid[])
     and ((select app.has_permission('billing.manage')) or (select app.has_permission('cash.collect'))))
    or (patient_id = any ((select app.own_patient_ids())::uuid[])
        and exists (select 1 from bills b
                    where b.facility_id = bill_items.facility_id and b.id = bill_items.bill_id and b.status <> 'draft')));
create policy "Billing staff add lines to bills of their facility" on bill_items
  for insert with check (facility_id = any ((select app.visible_facilities())::uuid[])
                         and (select app.has_permission('billing.manage')));
create policy "Billing staff change lines of bills of their facility" on bill_items
  for update using (facility_id = any ((select app.visible_facilities())::uuid[])
                    and (select app.has_permission('billing.manage')))
  with check (facility_id = any ((select app.visible_facilities())::uuid[]));
create policy "Billing staff remove lines of bills of their facility" on bill_items
  for delete using (facility_id = any ((select app.visible_facilities())::uuid[])
                    and (select app.has_permission('billing.manage')));

create trigger audit after insert or update or delete on bills
  for each row execute function app.audit_row('id');
create trigger audit after insert or update or delete on bill_items
  for each row execute function app.audit_row('id');

-- ----------------------------------------------------------------------------
-- The portal's calls. Each runs with the caller's rights, so the policies
-- above decide; they only spare the portal the column lists and give a clear
-- error when nothing was found. Plain INSERT/UPDATE/DELETE under the same
-- policies do the same.
-- ----------------------------------------------------------------------------
create function app.create_bill(
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
create function app.add_bill_line(p_bill uuid, p_service uuid, p_product uuid, p_quantity integer) returns uuid
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

create function app.add_bill_service(p_bill uuid, p_service uuid, p_quantity integer default 1) returns uuid
language sql volatile
set search_path = pg_catalog, pg_temp
as $$ select app.add_bill_line(p_bill, p_service, null, p_quantity) $$;
comment on function app.add_bill_service(uuid, uuid, integer) is
  'Adds a service line to a draft bill at the service''s current price, SAC code and GST rate.';

create function app.add_bill_product(p_bill uuid, p_product uuid, p_quantity integer default 1) returns uuid
language sql volatile
set search_path = pg_catalog, pg_temp
as $$ select app.add_bill_line(p_bill, null, p_product, p_quantity) $$;
comment on function app.add_bill_product(uuid, uuid, integer) is
  'Adds a product line to a draft bill at the product''s current price, HSN code and GST rate.';

create function app.set_bill_line_quantity(p_line uuid, p_quantity integer) returns void
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

create function app.remove_bill_line(p_line uuid) returns void
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

create function app.set_bill_discount(p_bill uuid, p_discount_paise bigint) returns void
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

create function app.set_bill_place_of_supply(p_bill uuid, p_state text) returns void
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

create function app.cancel_bill(p_bill uuid, p_reason text) returns void
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $$
begin
  update public.bills b set status = 'cancelled', cancel_reason = p_reason where b.id = p_bill;
  if not found then
    raise exception 'bill % not found', p_bill using errcode = 'no_data_found';
  end if;
end
$$;
comment on function app.cancel_bill(uuid, text) is
  'Cancels a draft or an unpaid issued bill (an issued bill keeps its number: the series stays gap-free).';

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
    execute format('grant execute on function %s to careledger_app, careledger_definer', f);
  end loop;
end
$$;
