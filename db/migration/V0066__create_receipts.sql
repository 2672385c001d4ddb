-- ============================================================================
-- Receipts: every captured online payment and every cash collection gets a
-- receipt number, gap-free per facility and financial year (issue 4, item 1).
--
-- The number comes from the same counters as tax invoices (V0042,
-- document_counters, kind 'receipt'), incremented under the counter's row
-- lock in the transaction that captures the payment or collects the cash: a
-- rolled-back capture or collection gives its number back, concurrent ones of
-- a facility queue on the row. Triggers on payments and cash_collections do
-- it, so every writer of those rows (app.capture_payment, app.collect_cash,
-- and any later one) numbers them without knowing it.
--
-- Number format: PREFIX/RYYYY/NNNNNN, e.g. SMH/R2627/000123 for the 123rd
-- receipt of 2026-27 of the facility whose invoice prefix is SMH. GST rule 46
-- binds tax invoices, not receipts, but the same 16 characters keep receipts
-- as short; the R and the year written without its dash (2627, not 26-27)
-- make a receipt number impossible to read as an invoice number
-- (SMH/26-27/000123), and six digits give 999999 receipts a year. The
-- financial year (April-March) is that of the IST moment of the capture or
-- collection.
-- ============================================================================

create function app.format_receipt_number(p_prefix text, p_year smallint, p_serial integer) returns text
language plpgsql immutable
set search_path = pg_catalog, pg_temp
as $$
begin
  if p_serial not between 1 and 999999 then
    raise exception 'receipt serial % is outside 1..999999 for %', p_serial, app.financial_year_label(p_year)
      using errcode = 'numeric_value_out_of_range';
  end if;
  return p_prefix || '/R' || lpad((p_year % 100)::text, 2, '0') || lpad(((p_year + 1) % 100)::text, 2, '0')
         || '/' || lpad(p_serial::text, 6, '0');
end
$$;
comment on function app.format_receipt_number(text, smallint, integer) is
  'Receipt number PREFIX/RYYYY/NNNNNN (at most 16 characters), e.g. SMH/R2627/000123; never shaped like an invoice number.';

-- ----------------------------------------------------------------------------
-- One receipt per captured payment or cash collection. Unpartitioned: the
-- numbers are unique across time.
-- ----------------------------------------------------------------------------
create table receipts (
  facility_id         uuid not null references facilities (id),
  financial_year      smallint not null check (financial_year between 2000 and 2999),
  serial              integer not null check (serial between 1 and 999999),
  receipt_number      text not null check (length(receipt_number) <= 16),
  issued_at           timestamptz not null,
  bill_id             uuid not null,
  patient_id          uuid not null,
  payment_id          uuid,
  cash_collection_id  uuid,
  amount_paise        bigint not null check (amount_paise > 0),
  primary key (facility_id, financial_year, serial),
  constraint receipts_number_key unique (facility_id, receipt_number),
  constraint receipts_payment_key unique (payment_id),
  constraint receipts_cash_collection_key unique (cash_collection_id),
  constraint receipts_one_source_check check (num_nonnulls(payment_id, cash_collection_id) = 1),
  constraint receipts_payment_fkey foreign key (facility_id, payment_id) references payments (facility_id, id),
  constraint receipts_cash_collection_fkey foreign key (facility_id, cash_collection_id)
    references cash_collections (facility_id, id),
  constraint receipts_bill_fkey foreign key (facility_id, bill_id, patient_id) references bills (facility_id, id, patient_id)
);
create index receipts_facility_bill_idx on receipts (facility_id, bill_id);
create index receipts_facility_patient_idx on receipts (facility_id, patient_id);
create index receipts_issued_at_brin on receipts using brin (issued_at);
alter table receipts enable row level security;
alter table receipts force row level security;

comment on table receipts is
  'Receipts for captured online payments and cash collections: gap-free numbers per facility and financial year (IST), given in the transaction that records the money.';
comment on column receipts.financial_year is 'First year of the financial year: 2026 is 2026-27.';
comment on column receipts.receipt_number is 'PREFIX/RYYYY/NNNNNN, e.g. SMH/R2627/000123.';
comment on column receipts.issued_at is 'The moment of the capture or collection.';
comment on column receipts.amount_paise is 'The amount received: the payment''s amount or the cash collected.';

grant select on receipts to careledger_app;
grant select, insert on receipts to careledger_definer;

create policy "Receipts are visible to billing staff and their patient" on receipts
  for select using (
    (facility_id = any ((select app.visible_facilities())::uuid[])
     and ((select app.has_permission('billing.manage')) or (select app.has_permission('cash.collect'))))
    or patient_id = any ((select app.own_patient_ids())::uuid[]));

create trigger receipts_are_immutable
  before update or delete on receipts
  for each row execute function app.refuse_change();

-- ----------------------------------------------------------------------------
-- Numbering. Definer rights: the counter and the receipt are written by the
-- definer role whoever records the money (only definer functions do).
-- ----------------------------------------------------------------------------
create function app.issue_receipt() returns trigger
language plpgsql security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_at timestamptz;
  v_amount bigint;
  v_year smallint;
  v_serial integer;
  v_prefix text;
begin
  if tg_table_name = 'payments' then
    v_at := new.captured_at;
    v_amount := new.amount_paise;
  else
    v_at := new.collected_at;
    v_amount := new.amount_collected_paise;
  end if;
  v_year := app.financial_year(v_at);
  select f.invoice_prefix into v_prefix from public.facilities f where f.id = new.facility_id;

  -- the next number of the series, under the counter's row lock until commit
  insert into public.document_counters as c (facility_id, document_kind, financial_year, last_number, updated_at)
  values (new.facility_id, 'receipt', v_year, 1, v_at)
  on conflict (facility_id, document_kind, financial_year)
  do update set last_number = c.last_number + 1, updated_at = excluded.updated_at
  returning c.last_number into v_serial;

  insert into public.receipts (facility_id, financial_year, serial, receipt_number, issued_at, bill_id, patient_id,
                               payment_id, cash_collection_id, amount_paise)
  values (new.facility_id, v_year, v_serial, app.format_receipt_number(v_prefix, v_year, v_serial), v_at,
          new.bill_id, new.patient_id,
          case when tg_table_name = 'payments' then new.id end,
          case when tg_table_name = 'cash_collections' then new.id end,
          v_amount);
  return null;
end
$$;
revoke all on function app.issue_receipt() from public;
alter function app.issue_receipt() owner to careledger_definer;
comment on function app.issue_receipt() is
  'Trigger: the next gap-free receipt number of the facility and financial year for a captured payment or a cash collection.';

create trigger payments_issue_receipt_on_insert
  after insert on payments
  for each row when (new.captured_at is not null) execute function app.issue_receipt();
create trigger payments_issue_receipt_on_capture
  after update of captured_at on payments
  for each row when (old.captured_at is null and new.captured_at is not null) execute function app.issue_receipt();
create trigger cash_collections_issue_receipt
  after insert on cash_collections
  for each row execute function app.issue_receipt();

-- what was captured or collected before receipts existed gets its number now, in order of the moment
set local role careledger_definer;
insert into receipts (facility_id, financial_year, serial, receipt_number, issued_at, bill_id, patient_id,
                      payment_id, cash_collection_id, amount_paise)
select m.facility_id, m.fy, m.serial, app.format_receipt_number(f.invoice_prefix, m.fy, m.serial::integer), m.at,
       m.bill_id, m.patient_id, m.payment_id, m.cash_collection_id, m.amount
from (select s.*, row_number() over (partition by s.facility_id, s.fy order by s.at, s.payment_id, s.cash_collection_id) as serial
      from (select p.facility_id, app.financial_year(p.captured_at) as fy, p.captured_at as at, p.bill_id, p.patient_id,
                   p.id as payment_id, null::uuid as cash_collection_id, p.amount_paise as amount
            from payments p where p.captured_at is not null
            union all
            select c.facility_id, app.financial_year(c.collected_at), c.collected_at, c.bill_id, c.patient_id,
                   null, c.id, c.amount_collected_paise
            from cash_collections c) s) m
join facilities f on f.id = m.facility_id;
insert into document_counters (facility_id, document_kind, financial_year, last_number)
select r.facility_id, 'receipt', r.financial_year, max(r.serial) from receipts r group by r.facility_id, r.financial_year;
reset role;
