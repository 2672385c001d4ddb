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
end
$$;

-- The owner hands functions to the definer role (ALTER FUNCTION ... OWNER TO
-- needs SET) and replaces them in later migrations (needs INHERIT). Role
-- attributes are never inherited: the owner does not get BYPASSRLS.
grant careledger_definer to careledger_owner with set true, inherit true;
