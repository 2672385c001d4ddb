-- ============================================================================
-- A cash collection's receipt is numbered last (docs/ledger.md, "Receipts").
--
-- V0066 numbered it in a trigger on the insert of the collection, which is
-- in the middle of app.collect_cash: from there until commit the facility's
-- receipt counter row (document_counters) stayed locked while the bill, the
-- ledger entry and the audit rows were written, and every other clerk of the
-- facility waited for all of it (docs/benchmarks.md, "Posting cost": with 16
-- clerks most of a collection's time was that wait). Now app.collect_cash
-- takes the number as its last step, so the lock lasts only until the commit
-- that follows. Captured payments keep their trigger: a capture comes from
-- the gateway's webhook, one at a time.
--
-- The rule the trigger kept, that every cash collection has its receipt, is
-- now checked at commit by a deferred constraint trigger.
-- ============================================================================

-- One receipt: the next gap-free number of the facility and financial year.
create function app.issue_receipt_for(p_facility uuid, p_at timestamptz, p_bill uuid, p_patient uuid,
                                      p_payment uuid, p_collection uuid, p_amount_paise bigint) returns void
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_year smallint := app.financial_year(p_at);
  v_serial integer;
  v_prefix text;
begin
  select f.invoice_prefix into v_prefix from public.facilities f where f.id = p_facility;

  -- the next number of the series, under the counter's row lock until commit
  insert into public.document_counters as c (facility_id, document_kind, financial_year, last_number, updated_at)
  values (p_facility, 'receipt', v_year, 1, p_at)
  on conflict (facility_id, document_kind, financial_year)
  do update set last_number = c.last_number + 1, updated_at = excluded.updated_at
  returning c.last_number into v_serial;

  insert into public.receipts (facility_id, financial_year, serial, receipt_number, issued_at, bill_id, patient_id,
                               payment_id, cash_collection_id, amount_paise)
  values (p_facility, v_year, v_serial, app.format_receipt_number(v_prefix, v_year, v_serial), p_at,
          p_bill, p_patient, p_payment, p_collection, p_amount_paise);
end
$$;
revoke all on function app.issue_receipt_for(uuid, timestamptz, uuid, uuid, uuid, uuid, bigint) from public;
alter function app.issue_receipt_for(uuid, timestamptz, uuid, uuid, uuid, uuid, bigint) owner to careledger_definer;
comment on function app.issue_receipt_for(uuid, timestamptz, uuid, uuid, uuid, uuid, bigint) is
  'The next gap-free receipt of a facility and financial year for a captured payment or a cash collection; the counter row stays locked until commit.';

create or replace function app.issue_receipt() returns trigger
language plpgsql security definer
set search_path = pg_catalog, public, pg_temp
as $$
begin
  perform app.issue_receipt_for(new.facility_id, new.captured_at, new.bill_id, new.patient_id, new.id, null,
                                new.amount_paise);
  return null;
end
$$;
comment on function app.issue_receipt() is
  'Trigger on payments: the receipt of a captured payment (cash collections take theirs in app.collect_cash, V0100).';

drop trigger cash_collections_issue_receipt on cash_collections;

-- Every cash collection has its receipt by commit.
create function app.check_cash_collection_receipt() returns trigger
language plpgsql security definer
set search_path = pg_catalog, public, pg_temp
as $$
begin
  if not exists (select 1 from public.receipts r where r.cash_collection_id = new.id) then
    raise exception 'cash collection % has no receipt: collections are recorded through app.collect_cash', new.id
      using errcode = 'integrity_constraint_violation';
  end if;
  return null;
end
$$;
revoke all on function app.check_cash_collection_receipt() from public;
alter function app.check_cash_collection_receipt() owner to careledger_definer;

create constraint trigger cash_collections_have_a_receipt
  after insert on cash_collections
  deferrable initially deferred
  for each row execute function app.check_cash_collection_receipt();

create or replace function app.collect_cash(p_bill uuid, p_amount_paise bigint, p_idempotency_key text) returns uuid
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_tenant uuid := app.current_tenant();
  v_staff uuid := app.require_cashier('collecting cash');
  v_now timestamptz := now();
  v_bill public.bills;
  v_existing public.cash_collections;
  v_shift uuid;
  v_config public.facility_configurations;
  v_type public.cash_commission_type;
  v_rate numeric;
  v_fixed bigint;
  v_gst_rate numeric;
  v_first boolean;
  v_fig record;
  v_collection uuid := gen_random_uuid();
  v_entry uuid;
begin
  if p_amount_paise is null or p_amount_paise <= 0 then
    raise exception 'a cash collection is of more than 0 paise (got %)', coalesce(p_amount_paise::text, 'none')
      using errcode = 'check_violation';
  end if;
  if p_idempotency_key is null or length(btrim(p_idempotency_key)) not between 3 and 200 then
    raise exception 'a cash collection needs an idempotency key of 3 to 200 characters' using errcode = 'check_violation';
  end if;

  -- the bill, locked until commit: collections (and captures) of one bill go one at a time
  select b.* into v_bill from public.bills b where b.id = p_bill and b.facility_id = v_tenant for update;
  if not found then
    raise exception 'bill % not found', p_bill using errcode = 'no_data_found';
  end if;

  -- a retry returns the first collection and writes nothing (looked up after the lock: a concurrent first try has committed)
  select c.* into v_existing from public.cash_collections c
  where c.facility_id = v_tenant and c.idempotency_key = p_idempotency_key;
  if found then
    if v_existing.bill_id <> p_bill or v_existing.amount_collected_paise <> p_amount_paise then
      raise exception 'idempotency key % was already used for another collection', p_idempotency_key
        using errcode = 'unique_violation';
    end if;
    return v_existing.id;
  end if;

  if v_bill.status = 'draft' then
    raise exception 'bill % is a draft: only an issued bill is paid', p_bill using errcode = 'object_not_in_prerequisite_state';
  elsif v_bill.status = 'cancelled' then
    raise exception 'bill % is cancelled: nothing to collect', p_bill using errcode = 'object_not_in_prerequisite_state';
  elsif v_bill.status = 'paid' then
    raise exception 'bill % is already paid: nothing to collect', p_bill using errcode = 'object_not_in_prerequisite_state';
  end if;
  if p_amount_paise > v_bill.total_paise - v_bill.paid_paise then
    raise exception 'cash of % paise is more than the % paise outstanding on bill %: collect at most that and give change',
      p_amount_paise, v_bill.total_paise - v_bill.paid_paise, coalesce(v_bill.bill_number, p_bill::text)
      using errcode = 'check_violation';
  end if;

  -- the collector's open shift, locked so that it cannot close under this collection
  select s.id into v_shift from public.cashier_shifts s
  where s.staff_id = v_staff and s.facility_id = v_tenant and s.status = 'open' for update;
  if v_shift is null then
    raise exception 'no open shift: open a cash shift before collecting cash' using errcode = 'object_not_in_prerequisite_state';
  end if;

  v_config := app.facility_configuration_at(v_tenant, v_now);
  if v_config.facility_id is null then
    raise exception 'the facility has no configuration in force' using errcode = 'no_data_found';
  end if;
  if v_config.cash_commission_applies then
    v_type := v_config.cash_commission_type;
    v_rate := case when v_type = 'percentage' then v_config.cash_commission_rate end;
    v_fixed := case when v_type = 'fixed_per_bill' then v_config.cash_commission_fixed_paise end;
    v_gst_rate := case when v_config.gst_on_cash_commission then v_config.gst_rate else 0 end;
  else
    v_gst_rate := 0;
  end if;
  v_first := not exists (select 1 from public.cash_collections c where c.facility_id = v_tenant and c.bill_id = p_bill);
  select * into v_fig from app.cash_commission_figures(p_amount_paise, v_type, v_rate, v_fixed, v_first, v_gst_rate);
  if v_fig.commission_paise + v_fig.commission_gst_paise > 0 then
    v_entry := gen_random_uuid();
  end if;

  insert into public.cash_collections (
    id, facility_id, bill_id, patient_id, shift_id, collected_by, amount_collected_paise, collected_at,
    configuration_effective_from, commission_type, commission_rate, commission_fixed_paise, gst_rate,
    commission_paise, commission_gst_paise, idempotency_key, journal_entry_id, created_by)
  values (
    v_collection, v_tenant, p_bill, v_bill.patient_id, v_shift, v_staff, p_amount_paise, v_now,
    v_config.effective_from, v_type, v_rate, v_fixed, v_gst_rate,
    v_fig.commission_paise, v_fig.commission_gst_paise, p_idempotency_key, v_entry, app.current_user_id());

  update public.bills b
  set paid_paise = b.paid_paise + p_amount_paise,
      status = app.bill_status_for_payment(b.total_paise, b.paid_paise + p_amount_paise)
  where b.id = p_bill;

  if v_entry is not null then
    perform app.post_journal_entry(
      v_tenant, 'cash_collection', 'cash_collection:' || v_collection,
      jsonb_build_array(
        jsonb_build_object('account', 'facility_receivable',
                           'debit_paise', v_fig.commission_paise + v_fig.commission_gst_paise),
        jsonb_build_object('account', 'cash_commission_income', 'credit_paise', v_fig.commission_paise),
        jsonb_build_object('account', 'gst_output', 'credit_paise', v_fig.commission_gst_paise)),
      'cash commission on ' || p_amount_paise || ' paise collected for bill ' || coalesce(v_bill.bill_number, p_bill::text),
      v_entry);
  end if;

  -- the receipt last: its number is the facility's counter row, locked from here until commit, so the
  -- clerks of one facility wait on it only for the commit, not for the whole collection
  perform app.issue_receipt_for(v_tenant, v_now, p_bill, v_bill.patient_id, null, v_collection, p_amount_paise);
  return v_collection;
end
$$;
