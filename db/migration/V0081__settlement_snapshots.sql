-- ============================================================================
-- "Since the last settlement" by commit, not by start.
--
-- posted_at is the posting transaction's start. A capture that began before a
-- settlement was paid and committed after it has the earlier posted_at,
-- although the settlement's transaction never saw it; by posted_at it fell in
-- no window. So each settlement_paid entry keeps what its transaction could
-- see: settlement_snapshot, the snapshot under which the entry was written
-- (after the facility's settlement lock), and settlement_no, its place in the
-- facility's settlements in commit order (taken under that lock, which is
-- held until commit, so the order of the numbers is the order of the
-- commits). An entry is after settlement S when S's snapshot did not see its
-- transaction (app.pending_since_last_settlement); entries whose transaction
-- is older than the snapshot's xmin were all seen, so the index on
-- (facility_id, transaction_id) serves the rest as a range.
-- ============================================================================
alter table journal_entries
  add column settlement_snapshot pg_snapshot,
  add column settlement_no integer check (settlement_no >= 1),
  add constraint journal_entries_settlement_snapshot_check check (
    (event_kind = 'settlement_paid') = (settlement_snapshot is not null)
    and (event_kind = 'settlement_paid') = (settlement_no is not null));
create unique index journal_entries_facility_settlement_no_key on journal_entries (facility_id, settlement_no)
  where settlement_no is not null;
create index journal_entries_facility_transaction_idx on journal_entries (facility_id, transaction_id);
comment on column journal_entries.settlement_snapshot is
  'For a settlement_paid entry: the snapshot its transaction wrote it under; entries of transactions it did not see come after the settlement.';
comment on column journal_entries.settlement_no is
  'For a settlement_paid entry: 1, 2, ... per facility in the order the settlements committed (numbered under the facility''s settlement lock).';
