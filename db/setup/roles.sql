-- ============================================================================
-- CareLedger database roles. Run once per PostgreSQL cluster, as a superuser,
-- before the first migration. Idempotent: safe to run again, and run again
-- it brings roles made by an earlier version of this file to what it says.
--
--   careledger_owner     owns the schema. NOLOGIN: nobody connects as it.
--                        Not a superuser and no BYPASSRLS: forced row-level
--                        security applies to it too, so tests see what
--                        production sees. Not a member of the definer.
--   careledger_definer   NOLOGIN, BYPASSRLS. Owns the few SECURITY DEFINER
--                        functions that must cross tenants (sign-in lookup,
--                        onboarding, refreshes); each filters by the request
--                        context itself and has a fixed search_path.
--   careledger_migrator  the login role of the migrate step (Flyway, the demo
--                        loader) and nothing else: a member of the owner and of
--                        the definer (SET and INHERIT), so it creates tables
--                        (handed to the owner after every migration, see
--                        db/migration/afterMigrate.sql), hands functions to the
--                        definer and replaces them later. Its password is held
--                        by the migrate step only, never by the running portal.
--   careledger_app       the login role of every request. Owns nothing, is
--                        not a superuser, has no BYPASSRLS, and reaches neither
--                        the owner, the definer nor the migrator.
--   careledger_patient   NOLOGIN, no BYPASSRLS, owns nothing. The requests of a
--                        signed-in patient run as it: the app role becomes it
--                        with SET LOCAL ROLE after setting the context, so the
--                        policies that let a patient read their own rows are
--                        written TO careledger_patient and never appear in the
--                        staff's plans. careledger_app may SET it but does not
--                        inherit it: the app role holds none of its privileges
--                        or policies.
--
-- Passwords of the two login roles are set separately (see README, "External
-- PostgreSQL 16"). Role attributes (BYPASSRLS) are never inherited through
-- membership: the migrator does not bypass row-level security either.
-- ============================================================================

do $$
begin
  if not exists (select from pg_roles where rolname = 'careledger_owner') then
    create role careledger_owner nologin nosuperuser nocreatedb nocreaterole noinherit nobypassrls;
  end if;
  if not exists (select from pg_roles where rolname = 'careledger_definer') then
    create role careledger_definer nologin nosuperuser nocreatedb nocreaterole noinherit bypassrls;
  end if;
  if not exists (select from pg_roles where rolname = 'careledger_migrator') then
    create role careledger_migrator login nosuperuser nocreatedb nocreaterole noinherit nobypassrls;
  end if;
  if not exists (select from pg_roles where rolname = 'careledger_app') then
    create role careledger_app login nosuperuser nocreatedb nocreaterole noinherit nobypassrls;
  end if;
  if not exists (select from pg_roles where rolname = 'careledger_patient') then
    create role careledger_patient nologin nosuperuser nocreatedb nocreaterole noinherit nobypassrls;
  end if;
  -- an owner made by an earlier version of this file logged in and was a member of the definer
  if exists (select from pg_auth_members m
             where m.roleid = 'careledger_definer'::regrole and m.member = 'careledger_owner'::regrole) then
    revoke careledger_definer from careledger_owner cascade;
  end if;
end
$$;

-- Nobody logs in as the owner (it had a login before the migrator existed).
alter role careledger_owner nologin;
alter role careledger_owner password null;

-- The migrator creates what the owner will own (ownership of new objects
-- moves to the owner after each migration: REASSIGN OWNED needs the
-- migrator's privileges on the owner) and acts for the owner on what it
-- already owns (INHERIT); it hands functions to the definer (ALTER ... OWNER
-- TO needs SET), replaces them later (INHERIT) and writes seed rows as the
-- definer (SET LOCAL ROLE).
grant careledger_owner to careledger_migrator with set true, inherit true;
grant careledger_definer to careledger_migrator with set true, inherit true;

-- The app role switches to the patient role for a patient's request (SET
-- LOCAL ROLE), and back; it never has the patient role's privileges or
-- policies itself (INHERIT FALSE, PostgreSQL 16 syntax).
grant careledger_patient to careledger_app with set true, inherit false;
