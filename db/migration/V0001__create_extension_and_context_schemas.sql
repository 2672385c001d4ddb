-- ============================================================================
-- Schemas that are not tables of the product.
--   extensions  every PostgreSQL extension lives here, out of the schema that
--               jOOQ generates from, so generated code is the product only.
--   app         request context and security functions (app.current_user_id(),
--               app.visible_facilities(), the sign-in lookup, ...).
-- Runs as careledger_owner, which owns the database (trusted extensions need
-- CREATE on it, not a superuser).
-- ============================================================================

create schema if not exists extensions;
comment on schema extensions is 'PostgreSQL extensions; left out of jOOQ code generation.';

-- pgcrypto: bcrypt for demo passwords now; health-card PINs and national ids later.
create extension if not exists pgcrypto with schema extensions;

create schema app;
comment on schema app is 'Request context and security functions used by row-level security policies.';

-- Nobody creates objects in public but the owner.
revoke create on schema public from public;

grant usage on schema extensions to careledger_app, careledger_definer;
grant usage on schema app to careledger_app, careledger_definer;
grant usage on schema public to careledger_app, careledger_definer;
-- The definer role owns SECURITY DEFINER functions, so it needs CREATE where they live.
grant create on schema app to careledger_definer;
