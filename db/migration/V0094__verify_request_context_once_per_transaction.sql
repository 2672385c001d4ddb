-- ============================================================================
-- The request context, verified once per transaction (docs/benchmarks.md,
-- "RLS cost"; docs/database.md, "Request context").
--
-- Every policy's init plan and every helper verified the signed context
-- again: an HMAC, a read of the key and of the user, about 70 µs per call,
-- paid once per table a statement reads and a dozen times per cash
-- collection. Now app.set_current_user and app.set_current_tenant, which
-- verify the user and the facility anyway, also write what they verified to
-- app.request_contexts: one row per server process, stamped with the
-- transaction's start (now()) and the three settings they signed. The helpers
-- first look for that row with the settings as they are now; only if there is
-- none do they verify the signature as before.
--
-- Why this is the same check: the row is written only by those two definer
-- functions (the app role has no privilege on the table), in this
-- transaction (same process, same now(), as the signature binds), for exactly
-- the settings whose signature they computed. A setting changed afterwards
-- (a forged user or tenant, a copied signature) no longer matches the row, and
-- the signature check that follows fails as it always did. A rolled-back
-- transaction or savepoint takes the row back with the settings.
--
-- A read-only transaction cannot write the row; it keeps the signature check.
-- RlsTransactionManager therefore sets the context before it makes the
-- transaction read-only (the JDBC driver's readOnlyMode=ignore, in
-- application.properties, so the driver does not begin it read-only itself).
--
-- What is read once per transaction: the user's role, home facility and
-- status, the facility set of admins and staff, and a staff member's
-- permissions. The super admin's set of every facility is still read when
-- asked, so a facility onboarded in the same transaction is seen.
--
-- The helpers every policy calls (app.visible_facilities,
-- app.administered_facilities, app.has_permission) read the row with one
-- statement each, from the view app.this_transaction_context: a view is
-- expanded into the statement that reads it, so the lookup is written once
-- and costs no nested call.
-- ============================================================================

create unlogged table app.request_contexts (
  backend_pid       integer primary key,
  transaction_start timestamptz not null,
  user_setting      text not null,
  tenant_setting    text not null,
  signature         text not null,
  user_id           uuid not null,
  tenant_id         uuid,
  role              user_role,
  home_facility     uuid,
  -- null: every facility (the super admin or a system principal that entered none), read when asked
  visible           uuid[],
  administered      uuid[],
  -- a staff member's permissions at the facility entered; null for the roles whose permissions are a rule
  -- (admins and the super admin: everything but clinical.*)
  permissions       text[]
);
alter table app.request_contexts enable row level security;
alter table app.request_contexts force row level security;
revoke all on app.request_contexts from public;
alter table app.request_contexts owner to careledger_definer;
comment on table app.request_contexts is
  'The request context each server process verified in its current transaction (V0094); written and read only by definer functions.';

-- This transaction's kept row, if the settings are still the ones signed. Invoker rights and no grant: only the
-- definer functions below (and the definer role) read it.
create view app.this_transaction_context with (security_invoker = true) as
  select c.*
  from app.request_contexts c
  where c.backend_pid = pg_catalog.pg_backend_pid()
    and c.transaction_start = pg_catalog.now()
    and c.user_setting = coalesce(pg_catalog.current_setting('app.user_id', true), '')
    and c.tenant_setting = coalesce(pg_catalog.current_setting('app.current_tenant', true), '')
    and c.signature = coalesce(pg_catalog.current_setting('app.context_sig', true), '');
revoke all on app.this_transaction_context from public;
alter view app.this_transaction_context owner to careledger_definer;
comment on view app.this_transaction_context is
  'The row app.set_current_user/app.set_current_tenant kept for this process and transaction, if the settings are still the ones signed; read only by definer functions.';

-- The context as app.set_current_user/app.set_current_tenant left it, verified
-- by its signature (V0093's app.signed_context, unchanged in what it answers).
create function app.verify_signed_context(out ctx_user uuid, out ctx_tenant uuid, out ctx_role user_role, out ctx_home uuid)
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_sig text := coalesce(current_setting('app.context_sig', true), '');
  v_user text := coalesce(current_setting('app.user_id', true), '');
  v_tenant text := coalesce(current_setting('app.current_tenant', true), '');
begin
  if v_sig = '' or v_sig <> app.context_signature(v_user, v_tenant) then
    return;
  end if;
  ctx_user := nullif(v_user, '')::uuid;
  ctx_tenant := nullif(v_tenant, '')::uuid;
  select u.role, u.facility_id into ctx_role, ctx_home from public.users u where u.id = ctx_user and u.status = 'active';
end
$$;
revoke all on function app.verify_signed_context() from public;
alter function app.verify_signed_context() owner to careledger_definer;

-- This transaction's verified row, if the settings still are what was signed;
-- a row of nulls otherwise (for the helpers that need the whole row).
create function app.cached_request_context() returns app.request_contexts
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  r app.request_contexts;
begin
  select * into r from app.this_transaction_context;
  return r;
end
$$;
revoke all on function app.cached_request_context() from public;
alter function app.cached_request_context() owner to careledger_definer;

-- Writes the verified context of this transaction (after the settings are
-- signed). Skipped in a read-only transaction, and for no user.
create function app.remember_request_context() returns void
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  c record;
  v_visible uuid[];
  v_administered uuid[];
  v_permissions text[] := '{}'::text[];
begin
  if current_setting('transaction_read_only') = 'on' then
    return;
  end if;
  c := app.verify_signed_context();
  if c.ctx_user is null then
    return;
  end if;
  if c.ctx_role in ('super_admin', 'system') then
    if c.ctx_tenant is not null then
      v_visible := array[c.ctx_tenant];
      v_administered := v_visible;
    end if;
    v_permissions := null;
  elsif c.ctx_role in ('facility_admin', 'staff') and c.ctx_home = c.ctx_tenant then
    v_visible := array[c.ctx_home];
    if c.ctx_role = 'facility_admin' then
      v_administered := v_visible;
      v_permissions := null;
    else
      v_administered := '{}'::uuid[];
      select coalesce(array_agg(distinct p.permission order by p.permission), '{}'::text[]) into v_permissions
      from public.staff s
      join public.facility_staff_permissions p on p.facility_id = s.facility_id and p.kind = s.kind
      where s.user_id = c.ctx_user and s.active;
    end if;
  else
    v_visible := '{}'::uuid[];
    v_administered := '{}'::uuid[];
  end if;
  insert into app.request_contexts as r
    (backend_pid, transaction_start, user_setting, tenant_setting, signature, user_id, tenant_id, role,
     home_facility, visible, administered, permissions)
  values (pg_backend_pid(), now(), coalesce(current_setting('app.user_id', true), ''),
          coalesce(current_setting('app.current_tenant', true), ''), current_setting('app.context_sig', true),
          c.ctx_user, c.ctx_tenant, c.ctx_role, c.ctx_home, v_visible, v_administered, v_permissions)
  on conflict (backend_pid) do update
    set transaction_start = excluded.transaction_start, user_setting = excluded.user_setting,
        tenant_setting = excluded.tenant_setting, signature = excluded.signature, user_id = excluded.user_id,
        tenant_id = excluded.tenant_id, role = excluded.role, home_facility = excluded.home_facility,
        visible = excluded.visible, administered = excluded.administered, permissions = excluded.permissions;
  -- now and then, forget processes that have ended
  if random() < 0.01 then
    delete from app.request_contexts r
    where not exists (select 1 from pg_stat_activity a where a.pid = r.backend_pid);
  end if;
end
$$;
revoke all on function app.remember_request_context() from public;
alter function app.remember_request_context() owner to careledger_definer;

create or replace function app.set_current_user(p_user uuid) returns void
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
begin
  if p_user is not null and not exists (select 1 from public.users u where u.id = p_user and u.status = 'active') then
    raise exception 'no active user %', p_user using errcode = 'insufficient_privilege';
  end if;
  perform set_config('app.user_id', coalesce(p_user::text, ''), true);
  perform set_config('app.current_tenant', '', true);
  perform set_config('app.context_sig',
                     case when p_user is null then '' else app.context_signature(p_user::text, '') end, true);
  perform app.remember_request_context();
end
$$;

create or replace function app.set_current_tenant(p_tenant uuid) returns void
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_user uuid := app.current_user_id();
  v_role user_role;
  v_home uuid;
begin
  if p_tenant is not null then
    select u.role, u.facility_id into v_role, v_home from public.users u where u.id = v_user and u.status = 'active';
    if v_role is null then
      raise exception 'set_current_user must come first' using errcode = 'insufficient_privilege';
    end if;
    if not exists (select 1 from public.facilities f where f.id = p_tenant)
       or not (v_role in ('super_admin', 'system') or (v_role in ('facility_admin', 'staff') and v_home = p_tenant)) then
      raise exception 'user % may not work in facility %', v_user, p_tenant using errcode = 'insufficient_privilege';
    end if;
  end if;
  perform set_config('app.current_tenant', coalesce(p_tenant::text, ''), true);
  perform set_config('app.context_sig',
                     case when v_user is null then '' else app.context_signature(v_user::text, coalesce(p_tenant::text, '')) end,
                     true);
  perform app.remember_request_context();
end
$$;

-- The helpers: this transaction's row first, the signature otherwise.

create or replace function app.signed_context(out ctx_user uuid, out ctx_tenant uuid, out ctx_role user_role, out ctx_home uuid)
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  r app.request_contexts := app.cached_request_context();
begin
  if r.backend_pid is not null then
    ctx_user := r.user_id;
    ctx_tenant := r.tenant_id;
    ctx_role := r.role;
    ctx_home := r.home_facility;
    return;
  end if;
  select v.ctx_user, v.ctx_tenant, v.ctx_role, v.ctx_home into ctx_user, ctx_tenant, ctx_role, ctx_home
  from app.verify_signed_context() v;
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
  if (app.cached_request_context()).backend_pid is not null then
    return true;
  end if;
  return v_sig = app.context_signature(coalesce(current_setting('app.user_id', true), ''),
                                       coalesce(current_setting('app.current_tenant', true), ''));
end
$$;

-- The permission rule on a kept row: admins and the super admin everything but
-- clinical.*, staff what their kind was granted, nobody else anything (null
-- for no role, as app.has_permission answered before).
create function app.kept_context_permits(p_role user_role, p_permissions text[], p_permission text) returns boolean
language sql immutable
set search_path = pg_catalog, pg_temp
as $$
  select case
    when p_role is null then null
    when p_role in ('super_admin', 'system', 'facility_admin') then p_permission not like 'clinical.%'
    when p_role = 'staff' then p_permission = any (coalesce(p_permissions, '{}'::text[]))
    else false
  end
$$;
revoke all on function app.kept_context_permits(user_role, text[], text) from public;
alter function app.kept_context_permits(user_role, text[], text) owner to careledger_definer;

-- V0093's permission rules through the signature check, for a context
-- without a kept row (policies are bound to app.has_permission itself, so it
-- is replaced in place, not renamed)
create function app.has_permission_verified(p_permission text) returns boolean
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  c record;
begin
  c := app.verify_signed_context();
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
revoke all on function app.has_permission_verified(text) from public;
alter function app.has_permission_verified(text) owner to careledger_definer;

create or replace function app.visible_facilities() returns uuid[]
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_found boolean;
  v_visible uuid[];
begin
  select true, c.visible into v_found, v_visible from app.this_transaction_context c;
  if v_found is null then
    return app.context_facilities(false);
  end if;
  return coalesce(v_visible, (select array_agg(f.id) from public.facilities f), '{}'::uuid[]);
end
$$;

create or replace function app.administered_facilities() returns uuid[]
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_found boolean;
  v_administered uuid[];
begin
  select true, c.administered into v_found, v_administered from app.this_transaction_context c;
  if v_found is null then
    return app.context_facilities(true);
  end if;
  return coalesce(v_administered, (select array_agg(f.id) from public.facilities f), '{}'::uuid[]);
end
$$;

create or replace function app.has_permission(p_permission text) returns boolean
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  r app.request_contexts;
begin
  select * into r from app.this_transaction_context;
  if r.backend_pid is null then
    return app.has_permission_verified(p_permission);
  end if;
  if r.role in ('facility_admin', 'staff') and r.home_facility is distinct from r.tenant_id then
    return false;
  end if;
  return app.kept_context_permits(r.role, r.permissions, p_permission);
end
$$;
revoke all on function app.has_permission(text) from public;
grant execute on function app.has_permission(text) to careledger_app;
alter function app.has_permission(text) owner to careledger_definer;
comment on function app.has_permission(text) is
  'Whether the request context holds a permission: from the row kept for this transaction (V0094), else by the signature check.';

-- Whether this transaction's context was verified once and kept (for tests
-- and the benchmarks; it reveals nothing the caller does not know).
create function app.request_context_cached() returns boolean
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
begin
  return (app.cached_request_context()).backend_pid is not null;
end
$$;
revoke all on function app.request_context_cached() from public;
grant execute on function app.request_context_cached() to careledger_app;
alter function app.request_context_cached() owner to careledger_definer;
comment on function app.request_context_cached() is
  'True when this transaction''s request context was verified once by app.set_current_user/app.set_current_tenant and is read from app.request_contexts.';
