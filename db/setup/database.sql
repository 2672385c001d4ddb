-- ============================================================================
-- Run in the CareLedger database, as a superuser, after db/setup/roles.sql
-- and before or after the migrations. Idempotent: safe to run again. The
-- embedded server runs it on every start (LocalPostgres.prepareDatabase).
--
-- Equality of enum values is marked LEAKPROOF. PostgreSQL ships enum_eq and
-- enum_ne without the mark, though each only compares two OIDs: it can raise
-- no error and has no side effect, so it can reveal nothing about a row. Under
-- row-level security the planner may evaluate a condition before the row's
-- policy only if the condition is leakproof, so without the mark a condition
-- such as account = 'facility_receivable' or status in ('issued', 'paid')
-- cannot be an index condition for the app role, and the index returns every
-- row of the facility for a filter to discard (docs/benchmarks.md, "RLS cost").
-- With it the app role gets the plan a BYPASSRLS role gets. It changes no
-- answer: which rows a policy lets through is the same either way.
--
-- The mark lives in this database's catalog: a dump does not carry it, so run
-- this again after restoring into a new database. The portal says at start-up
-- whether it is set (DatabaseExtensions).
-- ============================================================================

alter function pg_catalog.enum_eq(anyenum, anyenum) leakproof;
alter function pg_catalog.enum_ne(anyenum, anyenum) leakproof;
