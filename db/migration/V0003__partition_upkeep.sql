-- ============================================================================
-- Partition upkeep: monthly range partitions made ahead.
--
-- Types, tables, indexes, partitions, grants and policies of this area, as
-- they stand; functions, trigger functions and views are in R__0003_partition_upkeep.sql.
-- ============================================================================

-- ============================================================================
-- Partition upkeep: monthly RANGE partitions, made ahead of time, for every
-- table that registers here (appointments, audit_log and the large
-- money tables later register the same way).
--
--   app.partitioned_tables            the registry: parent, months ahead and
--                                     back, an optional per-partition hook
--   app.register_monthly_partitions   called by a migration, once per parent
--   app.maintain_partitions           called daily by the app (as the
--                                     partition-upkeep system principal) and
--                                     at start-up; idempotent
--
-- Month bounds are Indian Standard Time: a date key gets the first of the
-- month, a timestamptz key midnight IST of the first of the month.
--
-- Every parent keeps a DEFAULT partition, so an insert never fails for want
-- of a partition. Rows that land there (a booking two years ahead, history
-- imported a year back) are moved by the next upkeep into a partition of
-- their own month: PostgreSQL refuses to create a partition whose range has
-- rows in the default, so upkeep builds the new month as a plain table,
-- moves the rows into it (delete from the default + insert, one statement)
-- and attaches it, all in one transaction.
--
-- Who may run the DDL: creating or attaching a partition needs ownership of
-- the parent, so the upkeep functions belong to careledger_owner (the role
-- that owns every table), not to careledger_definer (which may bypass RLS but
-- owns no table). The owner is subject to forced row-level security like
-- everyone else, so to move rows out of the default it lifts FORCE on that
-- one partition for the length of the move (ALTER TABLE holds an ACCESS
-- EXCLUSIVE lock on it until commit, so no other transaction ever sees it
-- unforced) and forces it again before returning.
--
-- Every partition gets row-level security enabled and forced, no privileges
-- of its own (rows are reached through the parent, whose privileges and
-- policies apply), and the parent's per-partition hook (for appointments: the
-- no-double-booking exclusion constraint, which PostgreSQL 16 allows only on
-- each partition).
--
-- pg_partman: when the server has it, registration also hands the parent to
-- pg_partman (create_parent) and upkeep runs its run_maintenance first. Our
-- routine then runs anyway, and is what makes the result correct in both
-- cases: pg_partman, running as the owner under forced RLS, cannot see rows
-- in the partitions or the default, refuses to drain the default, and knows
-- nothing of per-partition hooks. Partitions are named the way pg_partman 5
-- names them (<parent>_pYYYYMMDD, <parent>_default) so neither makes the
-- other's months twice. A pg_partman failure is logged as a warning and our
-- routine does the work.
-- ============================================================================

-- ----------------------------------------------------------------------------
-- The registry. Platform metadata, no tenant rows: no RLS; only the owner
-- (who runs the upkeep) reads it, the app role has no privilege on it.
-- ----------------------------------------------------------------------------
create table app.partitioned_tables (
  parent          regclass primary key,
  months_ahead    integer not null default 3 check (months_ahead between 3 and 36),
  months_back     integer not null default 1 check (months_back between 0 and 120),
  partition_hook  regprocedure,
  registered_at   timestamptz not null default now()
);
revoke all on app.partitioned_tables from public;
comment on table app.partitioned_tables is
  'Tables partitioned by month (IST) whose partitions app.maintain_partitions makes ahead of time.';
comment on column app.partitioned_tables.months_ahead is
  'Partitions exist from the current IST month through this many months after it (at least 3).';
comment on column app.partitioned_tables.months_back is
  'Partitions exist for this many months before the current IST month.';
comment on column app.partitioned_tables.partition_hook is
  'Function (regclass) run on every partition after it is made, e.g. to add per-partition constraints; idempotent.';
