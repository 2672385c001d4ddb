-- ============================================================================
-- Request context and access: functions and views.
--
-- Repeatable: Flyway runs this file again whenever it changes, so every
-- statement here can run twice (create or replace, grants, comments).
-- Tables, types and policies of the area are in V0002__request_context.sql.
--
-- How a request gets its rights, in the order of this file:
--   1. Signing. app.set_current_user / app.set_current_tenant check the user
--      and the facility entered and set app.user_id, app.current_tenant and
--      app.context_sig (an HMAC under a key only the definer role reads)
--      transaction-locally. Injected SQL that sets the values itself breaks
--      the signature and is seen as nobody.
--   2. The access rule, written once: app.access_of decides, from a verified
--      context (user, role, home facility, facility entered), which
--      facilities the principal sees and administers and which permissions it
--      holds.
--   3. Kept per transaction: setting the context stores the rule's answer in
--      app.request_contexts for this server process and transaction, so the
--      policy helpers read one row instead of checking the signature again.
--      app.current_access answers from that row, or (a read-only transaction,
--      which cannot write it) from the rule applied to the verified signature.
--   4. The policy helpers: app.visible_facilities, app.administered_facilities,
--      app.has_permission, app.facilities_permitting read app.current_access
--      and nothing else.
-- ============================================================================

-- ----------------------------------------------------------------------------
-- 1. Signing and verifying the context.
-- ----------------------------------------------------------------------------

-- The signature of a context in this transaction on this connection.
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
revoke all on function app.context_signature(text, text) from public;
alter function app.context_signature(text, text) owner to careledger_definer;

-- True when app.user_id and app.current_tenant were set by the functions below.
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
revoke all on function app.context_is_signed() from public;
grant execute on function app.context_is_signed() to careledger_app, careledger_patient;
alter function app.context_is_signed() owner to careledger_definer;

-- The context as app.set_current_user/app.set_current_tenant left it, verified
-- by its signature.
create or replace function app.verify_signed_context(out ctx_user uuid, out ctx_tenant uuid, out ctx_role user_role, out ctx_home uuid)
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

-- Sign-in lookup: there is no tenant context before sign-in, so this reads
-- users with definer rights, one account by email (case-insensitive).
create or replace function app.find_login(p_email text)
returns table (id uuid, email text, display_name text, password_hash text,
               role user_role, facility_id uuid, status user_status)
language sql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select u.id, u.email, u.display_name, u.password_hash, u.role, u.facility_id, u.status
  from public.users u
  where lower(u.email) = lower(btrim(p_email)) and u.role <> 'system'
$$;
revoke all on function app.find_login(text) from public;
grant execute on function app.find_login(text) to careledger_app, careledger_patient;
alter function app.find_login(text) owner to careledger_definer;

-- Sets the signed-in user, no facility entered (null: nobody).
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
revoke all on function app.set_current_user(uuid) from public;
grant execute on function app.set_current_user(uuid) to careledger_app, careledger_patient;
alter function app.set_current_user(uuid) owner to careledger_definer;

-- Enters a facility (null: none). The super admin and system principals may
-- enter any facility; facility admins and staff only their own.
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
revoke all on function app.set_current_tenant(uuid) from public;
grant execute on function app.set_current_tenant(uuid) to careledger_app, careledger_patient;
alter function app.set_current_tenant(uuid) owner to careledger_definer;

-- ----------------------------------------------------------------------------
-- 2. The access rule. Everything that decides what a principal may see or do
-- reads it (through app.current_access).
--
--   super admin, system principals: every facility, or only the one entered;
--       they administer what they see; every permission but clinical.*
--   facility admin, in its own facility: that facility, administered; every
--       permission but clinical.* (minimum necessary access to health data)
--   staff, in its own facility: that facility, none administered; the
--       permissions its facility grants its kind (staff must be active)
--   anyone else (a patient, staff outside their facility, nobody): nothing
--
-- visible and administered null mean every facility; permissions null means
-- every permission but clinical.*.
-- ----------------------------------------------------------------------------
create or replace function app.access_of(p_user uuid, p_role user_role, p_home uuid, p_tenant uuid,
                                         out visible uuid[], out administered uuid[], out permissions text[])
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
begin
  if p_role in ('super_admin', 'system') then
    if p_tenant is not null then
      visible := array[p_tenant];
      administered := visible;
    end if;
    permissions := null;
  elsif p_role in ('facility_admin', 'staff') and p_home = p_tenant then
    visible := array[p_home];
    if p_role = 'facility_admin' then
      administered := visible;
      permissions := null;
    else
      administered := '{}'::uuid[];
      select coalesce(array_agg(distinct fp.permission order by fp.permission), '{}'::text[]) into permissions
      from public.staff s
      join public.facility_staff_permissions fp on fp.facility_id = s.facility_id and fp.kind = s.kind
      where s.user_id = p_user and s.facility_id = p_home and s.active;
    end if;
  else
    visible := '{}'::uuid[];
    administered := '{}'::uuid[];
    permissions := '{}'::text[];
  end if;
end
$$;
revoke all on function app.access_of(uuid, user_role, uuid, uuid) from public;
alter function app.access_of(uuid, user_role, uuid, uuid) owner to careledger_definer;
comment on function app.access_of(uuid, user_role, uuid, uuid) is
  'The access rule: the facilities a verified principal sees and administers (null: all) and the permissions it holds (null: all but clinical.*).';

-- Whether the permissions of app.access_of hold p_permission: null for no
-- role (no context), as a policy treats false.
create or replace function app.access_permits(p_role user_role, p_permissions text[], p_permission text) returns boolean
language sql immutable
set search_path = pg_catalog, pg_temp
as $$
  select case
    when p_role is null then null
    when p_permissions is null then p_permission not like 'clinical.%'
    else p_permission = any (p_permissions)
  end
$$;
revoke all on function app.access_permits(user_role, text[], text) from public;
alter function app.access_permits(user_role, text[], text) owner to careledger_definer;

-- ----------------------------------------------------------------------------
-- 3. The context kept for this transaction, and what reads it.
-- ----------------------------------------------------------------------------

-- Keeps the rule's answer for this process and transaction (after the
-- settings are signed). Skipped in a read-only transaction, and for no user.
create or replace function app.remember_request_context() returns void
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  c record;
  a record;
begin
  if current_setting('transaction_read_only') = 'on' then
    return;
  end if;
  c := app.verify_signed_context();
  if c.ctx_user is null then
    return;
  end if;
  a := app.access_of(c.ctx_user, c.ctx_role, c.ctx_home, c.ctx_tenant);
  insert into app.request_contexts as r
    (backend_pid, transaction_start, user_setting, tenant_setting, signature, user_id, tenant_id, role,
     home_facility, visible, administered, permissions)
  values (pg_backend_pid(), now(), coalesce(current_setting('app.user_id', true), ''),
          coalesce(current_setting('app.current_tenant', true), ''), current_setting('app.context_sig', true),
          c.ctx_user, c.ctx_tenant, c.ctx_role, c.ctx_home, a.visible, a.administered, a.permissions)
  on conflict (backend_pid) do update
    set transaction_start = excluded.transaction_start, user_setting = excluded.user_setting,
        tenant_setting = excluded.tenant_setting, signature = excluded.signature, user_id = excluded.user_id,
        tenant_id = excluded.tenant_id, role = excluded.role, home_facility = excluded.home_facility,
        visible = excluded.visible, administered = excluded.administered, permissions = excluded.permissions;
  -- now and then, forget processes that have ended
  if random() < 0.01 then
    delete from app.request_contexts r
    where not exists (select 1 from pg_stat_activity x where x.pid = r.backend_pid);
  end if;
end
$$;
revoke all on function app.remember_request_context() from public;
alter function app.remember_request_context() owner to careledger_definer;

-- The access of this transaction's principal: the kept row, or (no row kept:
-- a read-only transaction) the same answer computed from the verified
-- signature. A row of nulls but visible/administered/permissions empty when
-- nothing verifies.
create or replace function app.current_access() returns app.request_contexts
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  r app.request_contexts;
  c record;
  a record;
begin
  select * into r from app.this_transaction_context;
  if r.backend_pid is not null then
    return r;
  end if;
  c := app.verify_signed_context();
  a := app.access_of(c.ctx_user, c.ctx_role, c.ctx_home, c.ctx_tenant);
  r.user_id := c.ctx_user;
  r.tenant_id := c.ctx_tenant;
  r.role := c.ctx_role;
  r.home_facility := c.ctx_home;
  r.visible := a.visible;
  r.administered := a.administered;
  r.permissions := a.permissions;
  return r;
end
$$;
revoke all on function app.current_access() from public;
alter function app.current_access() owner to careledger_definer;

-- This transaction's kept row, if the settings are still the ones signed. Invoker rights and no grant: only the
-- definer functions below (and the definer role) read it.
create or replace view app.this_transaction_context with (security_invoker = true) as
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

-- This transaction's verified row, if the settings still are what was signed;
-- a row of nulls otherwise (for the helpers that need the whole row).
create or replace function app.cached_request_context() returns app.request_contexts
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

-- The verified user, facility entered, role and home facility: this transaction's row first, the
-- signature otherwise.
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
revoke all on function app.signed_context() from public;
alter function app.signed_context() owner to careledger_definer;
comment on function app.signed_context() is
  'The verified request context (user, tenant, the user''s role and home facility if active), one signature check; nulls if it does not verify.';

-- Whether this transaction's context was verified once and kept (for tests
-- and the benchmarks; it reveals nothing the caller does not know).
create or replace function app.request_context_cached() returns boolean
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
begin
  return (app.cached_request_context()).backend_pid is not null;
end
$$;
revoke all on function app.request_context_cached() from public;
grant execute on function app.request_context_cached() to careledger_app, careledger_patient;
alter function app.request_context_cached() owner to careledger_definer;
comment on function app.request_context_cached() is
  'True when this transaction''s request context was verified once by app.set_current_user/app.set_current_tenant and is read from app.request_contexts.';

