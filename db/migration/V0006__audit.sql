-- ============================================================================
-- Audit: the append-only audit log and its triggers.
--
-- Types, tables, indexes, partitions, grants and policies of this area, as
-- they stand; functions, trigger functions and views are in R__0006_audit.sql.
-- ============================================================================

-- ============================================================================
-- Audit trail. One generic trigger writes a row for every insert, update and
-- delete on the critical tables: which table and row, old and new values with
-- secrets redacted, the actor (the signed-in user, or the database role when
-- nobody is signed in, e.g. a migration), the tenant, the transaction id and
-- the time. The app also records reads of protected health information through
-- app.record_phi_read(). Nobody the app connects as can change or remove an
-- audit row: the app role has no privilege on the table at all (the trigger
-- function writes with definer rights), and a trigger refuses update and
-- delete even to the owner. Old months leave only by detaching a partition.
--
-- Partitioned by month of occurred_at (IST bounds). Rows of platform-level
-- tables (users without a facility, the permission catalogue) have no
-- facility_id; only the super admin sees those.
-- ============================================================================
create table audit_log (
  id              bigint generated always as identity,
  occurred_at     timestamptz not null default clock_timestamp(),
  facility_id     uuid,
  actor_user_id   uuid,
  actor_role      text not null,
  table_name      text not null,
  operation       text not null check (operation in ('INSERT', 'UPDATE', 'DELETE', 'READ')),
  row_key         jsonb not null,
  old_values      jsonb,
  new_values      jsonb,
  transaction_id  xid8 not null default pg_current_xact_id(),
  primary key (id, occurred_at)
) partition by range (occurred_at);
create table audit_log_default partition of audit_log default;
create index audit_log_facility_idx on audit_log (facility_id, occurred_at);
create index audit_log_row_idx on audit_log using gin (row_key jsonb_path_ops);
create index audit_log_occurred_at_brin on audit_log using brin (occurred_at);
alter table audit_log enable row level security;
alter table audit_log force row level security;
alter table audit_log_default enable row level security;
alter table audit_log_default force row level security;

comment on table audit_log is 'Who changed or read what, when: written by app.audit_row() and app.record_phi_read(), never changed.';
comment on column audit_log.actor_role is 'The signed-in user''s role, or the database role when no user is signed in.';
comment on column audit_log.row_key is 'Primary key of the audited row, as JSON.';
comment on column audit_log.transaction_id is 'Transaction that made the change: rows of one transaction belong together.';

-- Only the definer role writes (through the functions above); the app reads under RLS.
grant select on audit_log to careledger_app, careledger_patient;
grant select, insert on audit_log to careledger_definer;
create policy "Audit rows are visible to their facility admins and super admin" on audit_log
  for select using (facility_id = any ((select app.administered_facilities())::uuid[])
                    or (facility_id is null and (select app.current_user_role()) = 'super_admin'));

