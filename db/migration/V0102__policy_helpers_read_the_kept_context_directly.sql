-- ============================================================================
-- The helpers the policies call read the kept request context (V0094)
-- themselves (docs/benchmarks.md, "RLS cost").
--
-- Each policy's init plan went through two or three SECURITY DEFINER calls
-- (app.facilities_permitting -> app.visible_facilities ->
-- app.cached_request_context, and app.has_permission -> app.signed_context ->
-- app.cached_request_context), each with its own search_path switch. Now
-- app.visible_facilities, app.administered_facilities, app.has_permission and
-- app.facilities_permitting each read this transaction's row with one
-- statement, from the view app.this_transaction_context: a view is expanded
-- into the statement that reads it, so the lookup is written once and costs
-- no call. The row also keeps the staff member's permissions, read once with
-- the role when the context is set. Without a kept row (a transaction
-- read-only from its start) each falls back to V0093's signature check.
-- Answers are unchanged.
-- ============================================================================

alter table app.request_contexts add column permissions text[];
comment on column app.request_contexts.permissions is
  'A staff member''s permissions at the facility entered, read when the context was set; null for the roles whose permissions are a rule (admins: everything but clinical.*).';

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

-- V0093's rules, for a context without a kept row
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
    -- no kept row: V0101's answer through the signature-checked helpers
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
