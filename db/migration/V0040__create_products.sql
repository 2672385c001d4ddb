-- ============================================================================
-- Products: what a medical store or a hospital pharmacy sells over the
-- counter (a strip of tablets, a bottle of syrup, a thermometer), with its HSN
-- code, GST rate, selling price and MRP. Bills price their product lines from
-- here and snapshot the values (V0041), so a later price change never rewrites
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

-- A product keeps its facility and id (bill lines point at them).
create trigger products_keep_their_key
  before update on products
  for each row execute function app.refuse_key_change();

-- ----------------------------------------------------------------------------
-- Privileges and policies: staff of the facility read the product list (to
-- bill it), its admins keep it. Patients do not read it: their bill lines
-- carry a snapshot of what they bought. Products are never deleted.
-- ----------------------------------------------------------------------------
grant select, insert, update on products to careledger_app;
grant select, insert, update on products to careledger_definer;

create policy "Products are visible to their facility" on products
  for select using (facility_id = any ((select app.visible_facilities())::uuid[]));
create policy "Facility admins add products to their facility" on products
  for insert with check (facility_id = any ((select app.administered_facilities())::uuid[]));
create policy "Facility admins edit products of their facility" on products
  for update using (facility_id = any ((select app.administered_facilities())::uuid[]))
  with check (facility_id = any ((select app.administered_facilities())::uuid[]));

create trigger audit after insert or update or delete on products
  for each row execute function app.audit_row('id');
