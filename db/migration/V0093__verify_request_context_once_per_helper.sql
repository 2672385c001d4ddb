-- ============================================================================
-- The request-context helpers every policy calls, made cheaper without
-- changing what they answer (docs/benchmarks.md, "RLS cost").
--
-- Before: SQL functions with SET search_path, which PostgreSQL 16 neither
-- inlines nor caches a plan for, so each call parsed and planned its body
-- again; and app.administered_facilities() verified the signed context (an
-- HMAC) four times over, through app.current_user_role(),
-- app.current_user_id() and app.current_tenant().
--
-- After: PL/pgSQL (plans cached per session), and one verification per helper
-- call through app.signed_context(), which returns the verified user, tenant,
-- role and home facility together. The signature, the key and the rules of
-- who sees what are unchanged; a forged or replayed context still verifies to
-- nothing.
-- ============================================================================

create or replace function app.context_signature(p_user text, p_tenant text) returns text
language plpgsql stable security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_key bytea;
begin
  select k.key into v_key from app.context_key k;
  return encode(extensions.hmac(
           convert_to(p_user || '|' || p_tenant || '|' || pg_backend_pid() || '|' || extract(epoch from now())::text, 'UTF8'),
           v_key, 'sha256'), 'hex');
end
$$;

create or replace function app.context_is_signed() returns boolean
language plpgsql stable security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_sig text := coalesce(current_setting('app.context_sig', true), '');
begin
  if v_sig = '' then
    return false;
  end if;
  return v_sig = app.context_signature(coalesce(current_setting('app.user_id', true), ''),
                                       coalesce(current_setting('app.current_tenant', true), ''));
end
$$;

-- The verified context in one call: all null unless the signature verifies;
-- role and home facility only for an active user.
create function app.signed_context(out ctx_user uuid, out ctx_tenant uuid, out ctx_role user_role, out ctx_home uuid)
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
begin
  if not app.context_is_signed() then
    return;
  end if;
  ctx_user := nullif(current_setting('app.user_id', true), '')::uuid;
  ctx_tenant := nullif(current_setting('app.current_tenant', true), '')::uuid;
  select u.role, u.facility_id into ctx_role, ctx_home from public.users u where u.id = ctx_user and u.status = 'active';
end
$$;
revoke all on function app.signed_context() from public;
alter function app.signed_context() owner to careledger_definer;
comment on function app.signed_context() is
  'The verified request context (user, tenant, the user''s role and home facility if active), one signature check; nulls if it does not verify.';

create or replace function app.current_user_id() returns uuid
language plpgsql stable
set search_path = pg_catalog, pg_temp
as $$
begin
  if app.context_is_signed() then
    return nullif(current_setting('app.user_id', true), '')::uuid;
  end if;
  return null;
end
$$;

create or replace function app.current_tenant() returns uuid
language plpgsql stable
set search_path = pg_catalog, pg_temp
as $$
begin
  if app.context_is_signed() then
    return nullif(current_setting('app.current_tenant', true), '')::uuid;
  end if;
  return null;
end
$$;

create or replace function app.current_user_role() returns user_role
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
begin
  return (app.signed_context()).ctx_role;
end
$$;

-- Facilities of the verified context (rules as in V0006): all for the super
-- admin and system principals (or only the one entered), the own facility for
-- its admins and, unless p_admins_only, its staff once entered; none otherwise.
create function app.context_facilities(p_admins_only boolean) returns uuid[]
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  c record;
begin
  c := app.signed_context();
  if c.ctx_role in ('super_admin', 'system') then
    if c.ctx_tenant is null then
      return coalesce((select array_agg(f.id) from public.facilities f), '{}'::uuid[]);
    end if;
    return array[c.ctx_tenant];
  elsif (c.ctx_role = 'facility_admin' or (c.ctx_role = 'staff' and not p_admins_only)) and c.ctx_home = c.ctx_tenant then
    return array[c.ctx_home];
  end if;
  return '{}'::uuid[];
end
$$;
revoke all on function app.context_facilities(boolean) from public;
alter function app.context_facilities(boolean) owner to careledger_definer;

create or replace function app.visible_facilities() returns uuid[]
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
begin
  return app.context_facilities(false);
end
$$;

create or replace function app.administered_facilities() returns uuid[]
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
begin
  return app.context_facilities(true);
end
$$;

create or replace function app.has_permission(p_permission text) returns boolean
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  c record;
begin
  c := app.signed_context();
  if c.ctx_role is null then
    return null;
  elsif c.ctx_role = 'facility_admin' and c.ctx_home = c.ctx_tenant then
    return p_permission not like 'clinical.%';
  elsif c.ctx_role in ('super_admin', 'system') then
    return p_permission not like 'clinical.%';
  elsif c.ctx_role = 'staff' and c.ctx_home = c.ctx_tenant then
    return exists (select 1 from public.staff s
                   join public.facility_staff_permissions p on p.facility_id = s.facility_id and p.kind = s.kind
                   where s.user_id = c.ctx_user and s.active and p.permission = p_permission);
  end if;
  return false;
end
$$;

create or replace function app.current_staff_id() returns uuid
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  c record;
begin
  c := app.signed_context();
  return (select s.id from public.staff s
          where s.user_id = c.ctx_user and s.facility_id = c.ctx_tenant and s.active);
end
$$;
