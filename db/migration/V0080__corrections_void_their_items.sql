-- ============================================================================
-- A correction voids the item whose entry it reverses.
--
-- app.reverse_journal_entry posts a correction (every line of the wrong
-- entry on the other side). When the wrong entry is that of a captured
-- payment, a cash collection, an online refund or a cash refund, the item
-- itself is voided in the same transaction: correction_entry_id names the
-- correction. A voided item stays (history, its receipt included), but no
-- settlement allocates it, no gateway batch covers it, no refund is recorded
-- against it, and the reconciliation and the owner's questions leave it out,
-- so the ledger and the source rows keep agreeing. docs/ledger.md,
-- "Corrections", says which items can be voided and what else moves.
-- ============================================================================
alter table payments
  add column correction_entry_id uuid,
  add constraint payments_correction_entry_fkey foreign key (facility_id, correction_entry_id)
    references journal_entries (facility_id, id) deferrable initially deferred,
  add constraint payments_correction_entry_key unique (correction_entry_id),
  add constraint payments_correction_check check (correction_entry_id is null or captured_at is not null);
comment on column payments.correction_entry_id is
  'The correction that reversed this capture''s entry: the payment is void (no refund, batch or settlement takes it).';

alter table cash_collections
  add column correction_entry_id uuid,
  add constraint cash_collections_correction_entry_fkey foreign key (facility_id, correction_entry_id)
    references journal_entries (facility_id, id) deferrable initially deferred,
  add constraint cash_collections_correction_entry_key unique (correction_entry_id);
comment on column cash_collections.correction_entry_id is
  'The correction that reversed this collection''s commission entry: the collection is void (no refund or settlement takes it, the shift does not count it).';

alter table payment_refunds
  add column correction_entry_id uuid,
  add constraint payment_refunds_correction_entry_fkey foreign key (facility_id, correction_entry_id)
    references journal_entries (facility_id, id) deferrable initially deferred,
  add constraint payment_refunds_correction_entry_key unique (correction_entry_id);
comment on column payment_refunds.correction_entry_id is
  'The correction that reversed this refund''s entry: the refund is void and its payment''s running totals no longer count it.';

alter table cash_refunds
  add column correction_entry_id uuid,
  add constraint cash_refunds_correction_entry_fkey foreign key (facility_id, correction_entry_id)
    references journal_entries (facility_id, id) deferrable initially deferred,
  add constraint cash_refunds_correction_entry_key unique (correction_entry_id);
comment on column cash_refunds.correction_entry_id is
  'The correction that reversed this refund''s entry: the refund is void and its collection''s running totals no longer count it.';

-- a voided collection no longer carries the bill's fixed fee: the next collection of the bill is charged it
drop index cash_collections_fixed_fee_once_key;
create unique index cash_collections_fixed_fee_once_key on cash_collections (facility_id, bill_id)
  where commission_type = 'fixed_per_bill' and commission_paise > 0 and correction_entry_id is null;
