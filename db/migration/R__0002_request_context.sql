-- ============================================================================
-- Request context and staff: the signed context, staff, permissions, the rule of who sees what: functions, trigger functions and views.
--
-- Repeatable: Flyway runs this file again whenever it changes, so every
-- statement here can run twice (create or replace, grants, comments).
-- Tables, types and policies of the area are in V0002__request_context.sql.
-- ============================================================================

-- The signed-in user, or null.
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

-- The facility of the request, or null.
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

-- The facilities the current user may see: all of them for a super admin (or
-- only the one entered), the user's own facility for its admin and staff when
-- it is the current tenant, none otherwise. Definer rights: it reads users and
-- facilities without the policies that call it.
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
revoke all on function app.visible_facilities() from public;
grant execute on function app.visible_facilities() to careledger_app, careledger_patient;
alter function app.visible_facilities() owner to careledger_definer;

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

-- The signed-in user's role, or null.
create or replace function app.current_user_role() returns user_role
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
begin
  return (app.signed_context()).ctx_role;
end
$$;
revoke all on function app.current_user_role() from public;
grant execute on function app.current_user_role() to careledger_app, careledger_patient;
alter function app.current_user_role() owner to careledger_definer;

-- ----------------------------------------------------------------------------
-- Setting the context.
-- ----------------------------------------------------------------------------
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

-- Facilities the user administers: as above without staff.
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
revoke all on function app.administered_facilities() from public;
grant execute on function app.administered_facilities() to careledger_app, careledger_patient;
alter function app.administered_facilities() owner to careledger_definer;

-- Does the current user hold a permission in the current tenant? Facility
-- admins hold every permission but the clinical ones; the super admin none of
-- the clinical ones either (minimum necessary access to health information).
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
grant execute on function app.has_permission(text) to careledger_app, careledger_patient;
alter function app.has_permission(text) owner to careledger_definer;
comment on function app.has_permission(text) is
  'Whether the request context holds a permission: from the row kept for this transaction, else by the signature check.';

-- The staff record of the signed-in user in the current tenant, or null.
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
revoke all on function app.current_staff_id() from public;
grant execute on function app.current_staff_id() to careledger_app, careledger_patient;
alter function app.current_staff_id() owner to careledger_definer;

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
revoke all on function app.signed_context() from public;
alter function app.signed_context() owner to careledger_definer;
comment on function app.signed_context() is
  'The verified request context (user, tenant, the user''s role and home facility if active), one signature check; nulls if it does not verify.';

-- Facilities of the verified context: all for the super
-- admin and system principals (or only the one entered), the own facility for
-- its admins and, unless p_admins_only, its staff once entered; none otherwise.
create or replace function app.context_facilities(p_admins_only boolean) returns uuid[]
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

-- Writes the verified context of this transaction (after the settings are
-- signed). Skipped in a read-only transaction, and for no user.
create or replace function app.remember_request_context() returns void
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

-- The permission rule on a kept row: admins and the super admin everything but
-- clinical.*, staff what their kind was granted, nobody else anything (null
-- for no role, as app.has_permission answered before).
create or replace function app.kept_context_permits(p_role user_role, p_permissions text[], p_permission text) returns boolean
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

-- The permission rules through the signature check, for a context
-- without a kept row (policies are bound to app.has_permission itself, so it
-- is replaced in place, not renamed)
create or replace function app.has_permission_verified(p_permission text) returns boolean
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

create or replace function app.facilities_permitting(p_any_of text[]) returns uuid[]
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  r app.request_contexts;
  v_permission text;
begin
  select * into r from app.this_transaction_context;
  if r.backend_pid is null then
    -- no kept row: the same answer through the signature-checked helpers
    if cardinality(app.visible_facilities()) = 0 then
      return '{}'::uuid[];
    end if;
    foreach v_permission in array coalesce(p_any_of, '{}'::text[]) loop
      if app.has_permission(v_permission) then
        return app.visible_facilities();
      end if;
    end loop;
    return '{}'::uuid[];
  end if;
  if r.visible is not null and cardinality(r.visible) = 0 then
    return '{}'::uuid[];
  end if;
  foreach v_permission in array coalesce(p_any_of, '{}'::text[]) loop
    if app.kept_context_permits(r.role, r.permissions, v_permission) then
      return coalesce(r.visible, (select array_agg(f.id) from public.facilities f), '{}'::uuid[]);
    end if;
  end loop;
  return '{}'::uuid[];
end
$$;
revoke all on function app.facilities_permitting(text[]) from public;
grant execute on function app.facilities_permitting(text[]) to careledger_app, careledger_patient;
alter function app.facilities_permitting(text[]) owner to careledger_definer;
comment on function app.facilities_permitting(text[]) is
  'The facilities visible to the request context if it holds any of the permissions named; none otherwise. One call per statement in a policy.';
