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

-- ----------------------------------------------------------------------------
-- The facility's prefix on its documents: by default the initials of its name
-- (Sanjeevani Multispeciality Hospital: SMH), at most three; apostrophes do
-- not split words (Mehta's is one word).
-- ----------------------------------------------------------------------------
create function app.default_invoice_prefix(p_name text) returns text
language sql immutable
set search_path = pg_catalog, pg_temp
as $$
  select coalesce(nullif(left(string_agg(upper(left(w.word, 1)), '' order by w.n), 3), ''), 'INV')
  from regexp_split_to_table(btrim(regexp_replace(replace(coalesce(p_name, ''), '''', ''), '[^A-Za-z0-9]+', ' ', 'g')), ' ')
       with ordinality as w(word, n)
  where w.word <> ''
$$;
comment on function app.default_invoice_prefix(text) is 'Initials of a facility name, at most 3 (INV when there are none).';

alter table facilities add column invoice_prefix text
  constraint facilities_invoice_prefix_check check (invoice_prefix ~ '^[A-Z0-9]{1,3}$');
comment on column facilities.invoice_prefix is
  'Prefix of the facility''s tax invoice numbers (SMH in SMH/26-27/000123): 1-3 capital letters or digits; initials of the name by default.';

create function app.default_facility_invoice_prefix() returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
  new.invoice_prefix := coalesce(new.invoice_prefix, app.default_invoice_prefix(new.name));
  return new;
end
$$;

create trigger facilities_default_invoice_prefix
  before insert on facilities
  for each row execute function app.default_facility_invoice_prefix();

-- existing facilities (written as the definer role: forced row-level security applies to the owner)
set local role careledger_definer;
update facilities set invoice_prefix = app.default_invoice_prefix(name) where invoice_prefix is null;
reset role;

alter table facilities alter column invoice_prefix set not null;

-- ----------------------------------------------------------------------------
-- Financial years: April to March, of the IST date. 2026 stands for 2026-27.
-- ----------------------------------------------------------------------------
create function app.financial_year(p_at timestamptz) returns smallint
language sql immutable
set search_path = pg_catalog, pg_temp
as $$
  -- April 1 minus three months is January 1: the year of the date three months earlier
  select extract(year from (p_at at time zone 'Asia/Kolkata') - interval '3 months')::smallint
$$;
comment on function app.financial_year(timestamptz) is
  'Indian financial year (April–March) of the IST date of a moment, by its first year: 31 Mar 2027 23:59 IST is 2026, 1 Apr 2027 00:00 IST is 2027.';

create function app.financial_year_label(p_year smallint) returns text
language sql immutable
set search_path = pg_catalog, pg_temp
as $$
  select p_year::text || '-' || lpad(((p_year + 1) % 100)::text, 2, '0')
$$;
comment on function app.financial_year_label(smallint) is 'A financial year as people write it: 2026-27.';

-- PREFIX/YY-YY/NNNNNN. A series ends at 999999 (GST's 16 characters).
create function app.format_document_number(p_prefix text, p_year smallint, p_serial integer) returns text
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

grant select on document_counters to careledger_app;
grant select, insert, update on document_counters to careledger_definer;

create policy "Billing staff see the document counters of their facility" on document_counters
  for select using (facility_id = any ((select app.visible_facilities())::uuid[])
                    and (select app.has_permission('billing.manage')));

create trigger audit after insert or update or delete on document_counters
  for each row execute function app.audit_row('facility_id', 'document_kind', 'financial_year');

-- ----------------------------------------------------------------------------
-- Issuing. Definer rights, because it writes the counter and the number,
-- which the app role cannot; so it checks the caller itself: the bill must be
-- visible to them and they must hold billing.manage there.
--
-- app.issue_bill_at takes the moment of issue, for tests of the financial-year
-- boundary and for imports; only the owner may call it. The app calls
-- app.issue_bill, which issues now.
-- ----------------------------------------------------------------------------
create function app.issue_bill_at(p_bill uuid, p_at timestamptz) returns text
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

create function app.issue_bill(p_bill uuid) returns text
language sql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select app.issue_bill_at(p_bill, now())
$$;
revoke all on function app.issue_bill(uuid) from public;
grant execute on function app.issue_bill(uuid) to careledger_app;
alter function app.issue_bill(uuid) owner to careledger_definer;
comment on function app.issue_bill(uuid) is
  'Issues a draft bill now: the next gap-free tax invoice number of its facility and financial year (IST), issued_at, freeze. Needs billing.manage.';
