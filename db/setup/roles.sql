-- ============================================================================
-- CareLedger database roles. Run once per PostgreSQL cluster, as a superuser,
-- before the first migration. Idempotent: safe to run again.
--
--   careledger_owner    owns the schema; Flyway migrates as this role.
--                       Not a superuser and no BYPASSRLS: forced row-level
--                       security applies to it too, so tests see what
--                       production sees.
--   careledger_definer  NOLOGIN, BYPASSRLS. Owns the few SECURITY DEFINER
--                       functions that must cross tenants (sign-in lookup,
--                       onboarding, refreshes); each filters by the request
--                       context itself and has a fixed search_path.
--   careledger_app      the login role of every request. Owns nothing, is
--                       not a superuser, has no BYPASSRLS.
--   careledger_patient  NOLOGIN, no BYPASSRLS, owns nothing. The requests of a
--                       signed-in patient run as it: the app role becomes it
--                       with SET LOCAL ROLE after setting the context, so the
--                       policies that let a patient read their own rows are
--                       written TO careledger_patient and never appear in the
--                       staff's plans (V0095). careledger_app may SET it but
--                       does not inherit it: the app role holds none of its
--                       privileges or policies.
--
-- Passwords are set separately (see README, "External PostgreSQL 16").
-- ============================================================================

do $$
begin
  if not exists (select from pg_roles where rolname = 'careledger_owner') then
    create role careledger_owner login nosuperuser nocreatedb nocreaterole noinherit nobypassrls;
  end if;
  if not exists (select from pg_roles where rolname = 'careledger_definer') then
    create role careledger_definer nologin nosuperuser nocreatedb nocreaterole noinherit bypassrls;
  end if;
  if not exists (select from pg_roles where rolname = 'careledger_app') then
    create role careledger_app login nosuperuser nocreatedb nocreaterole noinherit nobypassrls;
  end if;
  if not exists (select from pg_roles where rolname = 'careledger_patient') then
    create role careledger_patient nologin nosuperuser nocreatedb nocreaterole noinherit nobypassrls;
  end if;
end
$$;

-- The owner hands functions to the definer role (ALTER FUNCTION ... OWNER TO
-- needs SET) and replaces them in later migrations (needs INHERIT). Role
-- attributes are never inherited: the owner does not get BYPASSRLS.
grant careledger_definer to careledger_owner with set true, inherit true;

-- The app role switches to the patient role for a patient's request (SET
-- LOCAL ROLE), and back; it never has the patient role's privileges or
-- policies itself (INHERIT FALSE, PostgreSQL 16 syntax).
grant careledger_patient to careledger_app with set true, inherit false;
