-- ============================================================================
-- Request context. Every transaction the app opens sets, transaction-locally,
--   app.user_id         the signed-in user
--   app.current_tenant  the facility the user works in (a super admin: the
--                       facility they have entered, or empty for all)
-- Policies read them only through the functions below, in the (select ...)
-- form so that they are evaluated once per query. Missing, empty or malformed
-- values read as null, which matches no row: the context fails closed.
-- ============================================================================

-- The signed-in user, or null.
create or replace function app.current_user_id() returns uuid
language sql stable parallel safe
set search_path = pg_catalog
as $$
  select case when v ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then v::uuid end
  from (select current_setting('app.user_id', true) as v) s
$$;

-- The facility of the request, or null.
create or replace function app.current_tenant() returns uuid
language sql stable parallel safe
set search_path = pg_catalog
as $$
  select case when v ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then v::uuid end
  from (select current_setting('app.current_tenant', true) as v) s
$$;

-- The facilities the current user may see: all of them for a super admin (or
-- only the one entered), the user's own facility for its admin and staff when
-- it is the current tenant, none otherwise. Definer rights: it reads users and
-- facilities without the policies that call it.
create or replace function app.visible_facilities() returns uuid[]
language sql stable security definer
set search_path = pg_catalog, public
as $$
  select coalesce(
    case
      when u.role = 'super_admin' and app.current_tenant() is null
        then (select array_agg(f.id) from public.facilities f)
      when u.role = 'super_admin'
        then array[app.current_tenant()]
      when u.role in ('facility_admin', 'staff') and u.facility_id = app.current_tenant()
        then array[u.facility_id]
    end,
    '{}'::uuid[])
  from (select app.current_user_id() as id) c
  left join public.users u on u.id = c.id and u.status = 'active'
$$;
revoke all on function app.visible_facilities() from public;
grant execute on function app.visible_facilities() to careledger_app;
alter function app.visible_facilities() owner to careledger_definer;

-- Sign-in lookup: there is no tenant context before sign-in, so this reads
-- users with definer rights, one account by email (case-insensitive).
create or replace function app.find_login(p_email text)
returns table (id uuid, email text, display_name text, password_hash text,
               role user_role, facility_id uuid, status user_status)
language sql stable security definer
set search_path = pg_catalog, public
as $$
  select u.id, u.email, u.display_name, u.password_hash, u.role, u.facility_id, u.status
  from public.users u
  where lower(u.email) = lower(btrim(p_email))
$$;
revoke all on function app.find_login(text) from public;
grant execute on function app.find_login(text) to careledger_app;
alter function app.find_login(text) owner to careledger_definer;

-- ----------------------------------------------------------------------------
-- Policies
-- ----------------------------------------------------------------------------

create policy "Facilities are visible to their users and the super admin" on facilities
  for select using (id = any ((select app.visible_facilities())::uuid[]));

create policy "Users see themselves and the users of facilities they may see" on users
  for select using (id = (select app.current_user_id())
                    or facility_id = any ((select app.visible_facilities())::uuid[]));
