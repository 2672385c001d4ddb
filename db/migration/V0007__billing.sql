-- ============================================================================
-- Billing: products, bills, lines, numbering, issue.
--
-- Types, tables, indexes, partitions, grants and policies of this area, as
-- they stand; functions, trigger functions and views are in R__0007_billing.sql.
-- ============================================================================

-- ============================================================================
-- Products: what a medical store or a hospital pharmacy sells over the
-- counter (a strip of tablets, a bottle of syrup, a thermometer), with its HSN
-- code, GST rate, selling price and MRP. Bills price their product lines from
-- here and bill lines snapshot the values, so a later price change never rewrites
-- an issued bill.
--
-- Prices follow the same rule as services: price_paise is the taxable value of
-- one unit, GST is added on the bill. The MRP printed on the pack includes GST
-- and may never be exceeded (Legal Metrology), so price × (1 + GST) <= MRP,
-- checked exactly (no rounding): then a bill line of any quantity stays within
-- quantity × MRP (see docs/ledger.md, "Bills").
-- ============================================================================
create table products (
  id                uuid primary key default gen_random_uuid(),
  facility_id       uuid not null references facilities (id),
  name              text not null check (length(btrim(name)) between 2 and 200),
  hsn_code          text not null check (hsn_code ~ '^[0-9]{4}([0-9]{2}([0-9]{2})?)?$'),
  gst_rate          numeric(6, 4) not null check (gst_rate between 0 and 0.40),
  price_paise       bigint not null check (price_paise >= 0),
  mrp_paise         bigint not null check (mrp_paise >= 0),
  unit              text not null default 'unit' check (unit ~ '^[a-z][a-z0-9 .-]{0,19}$'),
  active            boolean not null default true,
  created_at        timestamptz not null default now(),
  constraint products_facility_id_id_key unique (facility_id, id),
  constraint products_name_key unique (facility_id, name),
  -- the price with GST never exceeds the printed MRP, compared exactly
  constraint products_price_within_mrp check (price_paise * (1 + gst_rate) <= mrp_paise)
);
create index products_facility_active_idx on products (facility_id, active, name);
alter table products enable row level security;
alter table products force row level security;
comment on table products is
  'Goods a facility sells at the counter (medicines, consumables), with HSN code, GST rate, price and MRP.';
comment on column products.hsn_code is 'HSN code of the goods (4, 6 or 8 digits; 3004 for medicaments).';
comment on column products.gst_rate is 'GST rate as a fraction (0.05 = 5 %).';
comment on column products.price_paise is 'Selling price of one unit before GST, in paise: the taxable value on a bill.';
comment on column products.mrp_paise is 'Maximum retail price of one unit including GST, in paise; price × (1 + GST) never exceeds it.';
comment on column products.unit is 'What one unit is: strip, bottle, tablet, piece.';
comment on column products.active is 'Inactive products stay for history but can no longer be added to a bill.';

-- ----------------------------------------------------------------------------
-- Privileges and policies: staff of the facility read the product list (to
-- bill it), its admins keep it. Patients do not read it: their bill lines
-- carry a snapshot of what they bought. Products are never deleted.
-- ----------------------------------------------------------------------------
grant select, insert, update on products to careledger_app, careledger_patient;
grant select, insert, update on products to careledger_definer;
create policy "Products are visible to their facility" on products
  for select using (facility_id = any ((select app.visible_facilities())::uuid[]));
create policy "Facility admins add products to their facility" on products
  for insert with check (facility_id = any ((select app.administered_facilities())::uuid[]));
create policy "Facility admins edit products of their facility" on products
  for update using (facility_id = any ((select app.administered_facilities())::uuid[]))
  with check (facility_id = any ((select app.administered_facilities())::uuid[]));

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
-- A bill is editable while draft; app.issue_bill numbers and freezes
-- it; afterwards only payments (paid_paise, kept by the payment and cash functions) and a
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
  -- appointments are monthly partitioned: the link is checked by trigger (appointments are partitioned), both parts or none
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
comment on column bills.paid_paise is 'What payments and cash collections have settled so far (kept by the payment and cash functions).';
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
-- Privileges and policies. Staff with billing.manage (facility admins and the
-- super admin hold it) create and edit bills of their facility; staff who
-- collect cash read them too. A patient reads their own bills once issued
-- (drafts are work in progress). Writers reach only the columns a clerk
-- decides; every amount is derived. Bills are never deleted (cancelled);
-- lines of a draft may be.
-- ----------------------------------------------------------------------------
grant select on bills, bill_items to careledger_app, careledger_patient;
grant insert (facility_id, patient_id, appointment_id, appointment_starts_on, place_of_supply_state, discount_paise, notes)
  on bills to careledger_app, careledger_patient;
grant update (appointment_id, appointment_starts_on, place_of_supply_state, discount_paise, notes, status, cancel_reason)
  on bills to careledger_app, careledger_patient;
grant insert (facility_id, bill_id, service_id, product_id, quantity) on bill_items to careledger_app, careledger_patient;
grant update (quantity) on bill_items to careledger_app, careledger_patient;
grant delete on bill_items to careledger_app, careledger_patient;
grant select, insert, update on bills to careledger_definer;
grant select, insert, update, delete on bill_items to careledger_definer;
create policy "Billing staff create bills at their facility" on bills
  for insert with check (facility_id = any ((select app.visible_facilities())::uuid[])
                         and (select app.has_permission('billing.manage')));
create policy "Billing staff edit bills of their facility" on bills
  for update using (facility_id = any ((select app.visible_facilities())::uuid[])
                    and (select app.has_permission('billing.manage')))
  with check (facility_id = any ((select app.visible_facilities())::uuid[]));

create policy "Bills are visible to billing staff" on bills
  for select to careledger_app, careledger_owner
  using (facility_id = any ((select app.facilities_permitting('{billing.manage,cash.collect}'))::uuid[]));
create policy "Issued bills are visible to their patient" on bills
  for select to careledger_patient
  using (patient_id = any ((select app.own_patient_ids())::uuid[]) and status <> 'draft');
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
create policy "Bill lines are visible to billing staff" on bill_items
  for select to careledger_app, careledger_owner
  using (facility_id = any ((select app.facilities_permitting('{billing.manage,cash.collect}'))::uuid[]));
create policy "Lines of issued bills are visible to their patient" on bill_items
  for select to careledger_patient
  using (patient_id = any ((select app.own_patient_ids())::uuid[])
         and exists (select 1 from bills b
                     where b.facility_id = bill_items.facility_id and b.id = bill_items.bill_id and b.status <> 'draft'));

-- ============================================================================
-- Gap-free document numbers, and issuing a bill as a numbered tax invoice.
--
-- GST wants tax invoices (and, later, receipts) numbered consecutively within
-- a financial year, with no gaps and no duplicates. A sequence gives neither:
-- a rolled-back transaction burns its value, and values are handed out in no
-- particular order. So the next number is a row in document_counters, one per
-- (facility, document kind, financial year), incremented under its row lock
-- inside the transaction that uses it: if that transaction rolls back, the
-- increment rolls back too; concurrent issuers of one facility queue on the
-- row, and each sees the number the previous one committed.
--
-- Number format: PREFIX/YY-YY/NNNNNN, e.g. SMH/26-27/000123 for the 123rd
-- invoice of 2026-27 of the facility whose prefix is SMH. CGST Rules, rule
-- 46(b), allow at most 16 characters (letters, digits, '-' and '/'), unique
-- within the financial year: a prefix of 1-3 characters, the year as 26-27
-- and six digits make at most 16. The financial year (April-March) is that of
-- the IST date of issue.
-- ============================================================================
alter table facilities add column invoice_prefix text
  constraint facilities_invoice_prefix_check check (invoice_prefix ~ '^[A-Z0-9]{1,3}$');
comment on column facilities.invoice_prefix is
  'Prefix of the facility''s tax invoice numbers (SMH in SMH/26-27/000123): 1-3 capital letters or digits; initials of the name by default.';

alter table facilities alter column invoice_prefix set not null;

-- ----------------------------------------------------------------------------
-- The counters. Only app.issue_bill (and, later, receipts) write them, with
-- definer rights; billing staff may read them.
-- ----------------------------------------------------------------------------
create type document_kind as enum ('tax_invoice', 'receipt');
create table document_counters (
  facility_id     uuid not null references facilities (id),
  document_kind   document_kind not null,
  financial_year  smallint not null check (financial_year between 2000 and 2999),
  last_number     integer not null check (last_number between 1 and 999999),
  updated_at      timestamptz not null default now(),
  primary key (facility_id, document_kind, financial_year)
);
alter table document_counters enable row level security;
alter table document_counters force row level security;
comment on table document_counters is
  'Last number given per facility, document kind and financial year; incremented under its row lock, so numbers are gap-free.';
comment on column document_counters.financial_year is 'First year of the financial year: 2026 is 2026-27.';
grant select on document_counters to careledger_app, careledger_patient;
grant select, insert, update on document_counters to careledger_definer;
create policy "Billing staff see the document counters of their facility" on document_counters
  for select using (facility_id = any ((select app.visible_facilities())::uuid[])
                    and (select app.has_permission('billing.manage')));
