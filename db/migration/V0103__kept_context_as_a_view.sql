-- ============================================================================
-- This transaction's kept request context as one view (V0094, V0102).
--
-- The helpers of the policies each wrote out the same lookup of the kept row
-- (this process, this transaction's start, the settings as signed), so that
-- none of them pays a nested function call for it. A view is expanded into
-- the statement that reads it, so it costs nothing at run time and the lookup
-- is written once. The view has invoker rights and no grant: only the
-- definer functions below (and the definer role) read it.
-- ============================================================================

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
