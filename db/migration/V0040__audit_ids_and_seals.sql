-- ============================================================================
-- Audit: ids that say nothing about other facilities, the index the sealing
-- job reads by, the seals that make the log tamper-evident, the system
-- principal the sealing job acts as, and what the recorded reads of health
-- information need.
--
-- Functions of the area are in R__0006_audit.sql; docs/database.md, "Audit
-- log", describes the design.
-- ============================================================================

-- ----------------------------------------------------------------------------
-- Audit ids. They came from one identity sequence for the whole platform, so
-- a facility admin reading their own log saw gaps where other facilities had
-- been busy. An id is now a random uuid whose first 48 bits are the time in
-- milliseconds (the layout of RFC 9562 version 7): it orders a facility's rows
-- by time, reveals nothing occurred_at does not, keeps inserts into the
-- primary-key index at its right edge, and takes no lock. A facility's rows
-- are numbered without gaps by the seals below (rows_total).
--
-- Written here, once, because the column default names it.
-- ----------------------------------------------------------------------------
create function app.new_audit_id() returns uuid
language sql volatile parallel safe
set search_path = pg_catalog, pg_temp
as $$
  select encode(set_bit(set_bit(
           overlay(uuid_send(gen_random_uuid())
                   placing substring(int8send(floor(extract(epoch from clock_timestamp()) * 1000)::bigint) from 3)
                   from 1 for 6),
           52, 1), 53, 1), 'hex')::uuid
$$;
revoke all on function app.new_audit_id() from public;
-- the definer functions that write audit rows use the column default
grant execute on function app.new_audit_id() to careledger_definer;
comment on function app.new_audit_id() is
  'A version 7 uuid: milliseconds since 1970 in the first 48 bits, random bits after; the id of an audit row.';

alter table audit_log alter column id drop identity;
alter table audit_log alter column id type uuid using app.new_audit_id();
alter table audit_log alter column id set default app.new_audit_id();
comment on column audit_log.id is
  'Time-ordered random uuid (app.new_audit_id): says nothing about other facilities'' activity.';

-- The sealing job reads the rows of finished transactions by transaction id.
create index audit_log_transaction_idx on audit_log (transaction_id);

-- ----------------------------------------------------------------------------
-- Seals. app.seal_audit_log chains a facility's audit rows, in the order of
-- their transaction ids, once every transaction that could still add one below
-- a bound has finished: head = sha256(previous head || canonical row text). Each
-- run writes one seal per facility that had new rows: the bound, how many rows
-- it covered, the running count and the head. app.verify_audit_chain recomputes
-- them from the rows: a changed, removed or added row, or a cut tail, no longer
-- matches its seal.
--
-- The seals live where the schema's owner cannot write: in a schema and a table
-- that belong to careledger_definer, with no privilege for anyone else. The
-- owner owns audit_log and the app schema, so it could drop a table there;
-- it cannot drop or change this schema's objects unless it is a member of the
-- definer role, which the running portal's roles are not.
-- ----------------------------------------------------------------------------
create schema audit_seal authorization careledger_definer;
comment on schema audit_seal is
  'The audit log''s seals and the hashing they are checked with; owned by careledger_definer, closed to every other role.';

set local role careledger_definer;
create table audit_seal.seals (
  facility_id   uuid not null,
  seal_no       bigint not null check (seal_no > 0),
  sealed_below  xid8 not null,
  rows_sealed   bigint not null check (rows_sealed > 0),
  rows_total    bigint not null check (rows_total >= rows_sealed),
  head_hash     bytea not null check (length(head_hash) = 32),
  sealed_at     timestamptz not null default clock_timestamp(),
  sealed_by     uuid not null,
  primary key (facility_id, seal_no),
  constraint seals_facility_id_sealed_below_key unique (facility_id, sealed_below)
);
create index seals_sealed_below_idx on audit_seal.seals (sealed_below);
-- Nobody but the definer role reads or writes it; should a privilege ever be granted, no row shows.
alter table audit_seal.seals enable row level security;
alter table audit_seal.seals force row level security;
comment on table audit_seal.seals is
  'One row per facility and sealing run that found new audit rows: their chain head, written only by app.seal_audit_log.';
comment on column audit_seal.seals.facility_id is
  'The facility whose rows are chained; the nil uuid 00000000-0000-0000-0000-000000000000 for rows without one (the platform''s).';
comment on column audit_seal.seals.sealed_below is
  'Every audit row of the facility whose transaction id is below this is in the chain up to this seal; rows at or above it come later.';
comment on column audit_seal.seals.rows_sealed is 'Audit rows this seal added to the chain (transaction ids from the previous seal''s bound up to this one''s).';
comment on column audit_seal.seals.rows_total is 'Audit rows of the facility in the chain up to this seal: the last row''s number.';
comment on column audit_seal.seals.head_hash is 'sha256 chain over the facility''s rows in (transaction_id, id) order, from audit_seal.chain_start.';
comment on column audit_seal.seals.sealed_by is 'The user the sealing run acted as (the audit-seal principal, or the super admin).';

-- The system principal the sealing job acts as: its hash matches no password, and find_login skips it.
insert into users (id, email, display_name, password_hash, role) values
  ('00000000-0000-4000-8000-000000000004', 'audit-seal@system.careledger', 'System: audit seal', '!', 'system');
reset role;

-- app.read_appointment_notes returns notes to clinical staff and records the read.
grant select on appointment_notes to careledger_definer;

-- Replaced by app.record_phi_read(text, text, jsonb, text[], text) (R__0006), which only definer functions call.
drop function if exists app.record_phi_read(text, jsonb, uuid, text);
