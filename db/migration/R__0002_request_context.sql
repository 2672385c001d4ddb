-- ============================================================================
-- Request context and access: functions and views.
--
-- Repeatable: Flyway runs this file again whenever it changes, so every
-- statement here can run twice (create or replace, grants, comments).
-- Tables, types and policies of the area are in V0002__request_context.sql and
-- V0013__identity.sql.
--
-- How a request gets its rights, in the order of this file:
--   0. Proof. app.sign_in checks a password itself and opens a session whose
--      token only the caller learns; the job runner proves a system principal
--      with a secret whose digest the migrate step stored. Nothing else opens
--      a context: an injected statement holds neither.
--   1. Signing. app.set_current_user (user and proof) / app.set_current_tenant
--      check the proof, the user and the facility entered and set app.user_id,
--      app.current_tenant, app.session_id and app.context_sig (an HMAC under a
--      key only the definer role reads) transaction-locally. Injected SQL that
--      sets the values itself breaks the signature and is seen as nobody.
--   2. The access rule, written once: app.access_of decides, from a verified
--      context (user, role, home facility, facility entered), which
--      facilities the principal sees and administers and which permissions it
--      holds.
--   3. Kept per transaction: setting the context stores the rule's answer in
--      app.request_contexts for this server process and transaction, so the
--      policy helpers read one row instead of checking the signature again.
--      app.current_access answers from that row, or (a read-only transaction,
--      which cannot write it) from the rule applied to the verified signature.
--   4. The policy helpers (V0002): app.visible_facilities,
--      app.administered_facilities, app.has_permission,
--      app.facilities_permitting read app.current_access and nothing else.
-- ============================================================================

-- ----------------------------------------------------------------------------
-- 0. Proof: sessions, sign-in, system keys.
-- ----------------------------------------------------------------------------

-- The digest a token or secret is kept as.
create or replace function app.token_digest(p_token text) returns bytea
language sql immutable strict parallel safe
set search_path = pg_catalog, pg_temp
as $$
  select sha256(convert_to(p_token, 'UTF8'))
$$;
revoke all on function app.token_digest(text) from public;
alter function app.token_digest(text) owner to careledger_definer;

-- Opens a session for a user and returns its token (64 hex digits, 256
-- random bits); the database keeps only the digest. For app.sign_in, for the
-- demo loader and for test fixtures (the owner may run it; the app roles may
-- not).
create or replace function app.issue_session(p_user uuid, p_lifetime interval, p_at timestamptz default now())
returns text
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_token text := encode(extensions.gen_random_bytes(32), 'hex');
begin
  if not exists (select 1 from public.users u where u.id = p_user and u.role <> 'system') then
    raise exception 'no user % to open a session for', p_user using errcode = 'invalid_parameter_value';
  end if;
  if p_lifetime is null or p_lifetime <= interval '0' or p_lifetime > interval '1 day' then
    raise exception 'a session lasts more than nothing and at most a day' using errcode = 'invalid_parameter_value';
  end if;
  insert into app.sessions (user_id, token_digest, created_at, expires_at)
  values (p_user, app.token_digest(v_token), p_at, p_at + p_lifetime);
  return v_token;
end
$$;
revoke all on function app.issue_session(uuid, interval, timestamptz) from public;
grant execute on function app.issue_session(uuid, interval, timestamptz) to careledger_owner;
alter function app.issue_session(uuid, interval, timestamptz) owner to careledger_definer;
comment on function app.issue_session(uuid, interval, timestamptz) is
  'Opens a session for a user (not a system principal) for a lifetime of at most a day and returns its token; the app roles cannot run it.';

-- Counts one event against a throttle key of app.sign_in_throttle: the
-- p_limit-th event within p_window of the window's first blocks the key for
-- p_block; a window that is over starts again. Sign-in counts its failures per
-- client address with it, the account links their failed redemptions (the same
-- address key) and their requests per mailbox and per address. Windows are at
-- most 30 minutes: sign-in forgets counters older than that.
create or replace function app.count_throttle_event(p_key text, p_at timestamptz, p_limit integer, p_window interval,
                                                    p_block interval) returns void
language sql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
  insert into app.sign_in_throttle as t (key, failures, first_failure_at, blocked_until)
  values (p_key, 1, p_at, case when p_limit <= 1 then p_at + p_block else p_at end)
  on conflict (key) do update
    set failures = case when t.first_failure_at + p_window < p_at then 1 else t.failures + 1 end,
        first_failure_at = case when t.first_failure_at + p_window < p_at then p_at else t.first_failure_at end,
        blocked_until = case when t.first_failure_at + p_window < p_at
                             then case when p_limit <= 1 then p_at + p_block else t.blocked_until end
                             when t.failures + 1 >= p_limit then p_at + p_block
                             else t.blocked_until end
$$;
revoke all on function app.count_throttle_event(text, timestamptz, integer, interval, interval) from public;
alter function app.count_throttle_event(text, timestamptz, integer, interval, interval) owner to careledger_definer;
comment on function app.count_throttle_event(text, timestamptz, integer, interval, interval) is
  'Counts one event (a failed sign-in, a request for a link) against a throttle key; the p_limit-th within p_window blocks the key for p_block.';

-- Password sign-in, checked by the database: throttled per account and per
-- client address; the password is compared with crypt() here, so no hash ever
-- leaves the database. One row: the outcome ('signed_in', 'bad_credentials',
-- 'throttled', 'disabled'), and for 'signed_in' the user and the session's
-- token; for 'throttled' the seconds to wait. An unknown account costs one
-- bcrypt like a known one and answers like a wrong password.
--   Account: after 5 consecutive failures refused for 1 minute, doubling with
--   every further failure up to 15 minutes; a success clears it.
--   Address: 30 failures within 15 minutes (any accounts) refuse the address
--   for 15 minutes.
create or replace function app.sign_in_at(p_email text, p_password text, p_address text, p_at timestamptz)
returns table (outcome text, user_id uuid, email text, display_name text, role user_role, facility_id uuid,
               token text, retry_after_seconds integer)
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_email text := lower(btrim(coalesce(p_email, '')));
  v_account text := 'account:' || left(lower(btrim(coalesce(p_email, ''))), 254);
  v_address text := 'address:' || left(coalesce(nullif(btrim(p_address), ''), 'unknown'), 100);
  v_until timestamptz;
  v_user public.users;
  v_hash text;
  v_ok boolean := false;
begin
  select max(t.blocked_until) into v_until from app.sign_in_throttle t where t.key in (v_account, v_address);
  if v_until > p_at then
    return query select 'throttled'::text, null::uuid, null::text, null::text, null::user_role, null::uuid, null::text,
                        ceil(extract(epoch from v_until - p_at))::integer;
    return;
  end if;
  if length(v_email) between 3 and 254 and length(coalesce(p_password, '')) between 1 and 200 then
    select u.* into v_user from public.users u where lower(u.email) = v_email and u.role <> 'system';
  end if;
  if v_user.id is not null and v_user.password_hash like '{bcrypt}$2_$%' then
    v_hash := substr(v_user.password_hash, 9);
    v_ok := extensions.crypt(p_password, v_hash) = v_hash;
  else
    -- the same work as a real check, so the answer time tells nothing
    perform extensions.crypt(coalesce(p_password, ''), extensions.gen_salt('bf', 10));
  end if;
  if not v_ok then
    insert into app.sign_in_throttle as t (key, failures, first_failure_at, blocked_until)
    values (v_account, 1, p_at, p_at)
    on conflict (key) do update
      set failures = t.failures + 1,
          blocked_until = case when t.failures + 1 >= 5
                               then p_at + least(interval '1 minute' * power(2, least(t.failures + 1 - 5, 10)),
                                                 interval '15 minutes')
                               else p_at end;
    perform app.count_throttle_event(v_address, p_at, 30, interval '15 minutes', interval '15 minutes');
    -- now and then, forget counters whose blocks are long over
    if random() < 0.01 then
      delete from app.sign_in_throttle t
      where t.blocked_until < p_at - interval '30 minutes' and t.first_failure_at < p_at - interval '30 minutes';
    end if;
    return query select 'bad_credentials'::text, null::uuid, null::text, null::text, null::user_role, null::uuid,
                        null::text, null::integer;
    return;
  end if;
  delete from app.sign_in_throttle t where t.key = v_account;
  -- now and then, forget sessions that ended more than 30 days ago
  if random() < 0.01 then
    delete from app.sessions s
    where s.expires_at < p_at - interval '30 days' or s.revoked_at < p_at - interval '30 days';
  end if;
  if v_user.status <> 'active'
     or exists (select 1 from public.facilities f where f.id = v_user.facility_id and f.status = 'suspended') then
    return query select 'disabled'::text, null::uuid, null::text, null::text, null::user_role, null::uuid,
                        null::text, null::integer;
    return;
  end if;
  return query select 'signed_in'::text, v_user.id, v_user.email, v_user.display_name, v_user.role,
                      v_user.facility_id, app.issue_session(v_user.id, interval '12 hours', p_at), null::integer;
end
$$;
revoke all on function app.sign_in_at(text, text, text, timestamptz) from public;
alter function app.sign_in_at(text, text, text, timestamptz) owner to careledger_definer;
comment on function app.sign_in_at(text, text, text, timestamptz) is
  'Password sign-in at a given time (tests move the clock with it; the app roles cannot run it): throttling, the password check, a 12-hour session.';

-- Password sign-in now: what the portal calls (no context needed).
create or replace function app.sign_in(p_email text, p_password text, p_address text)
returns table (outcome text, user_id uuid, email text, display_name text, role user_role, facility_id uuid,
               token text, retry_after_seconds integer)
language sql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select * from app.sign_in_at(p_email, p_password, p_address, clock_timestamp())
$$;
revoke all on function app.sign_in(text, text, text) from public;
grant execute on function app.sign_in(text, text, text) to careledger_app, careledger_patient;
alter function app.sign_in(text, text, text) owner to careledger_definer;
comment on function app.sign_in(text, text, text) is
  'Password sign-in: outcome signed_in (with the user and a session token), bad_credentials, throttled (with the seconds to wait) or disabled. Never returns a hash.';

-- Ends the session of a token (signing out); unknown tokens change nothing.
create or replace function app.sign_out(p_token text) returns void
language sql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
  update app.sessions s set revoked_at = now()
  where s.token_digest = app.token_digest(p_token) and s.revoked_at is null
$$;
revoke all on function app.sign_out(text) from public;
grant execute on function app.sign_out(text) to careledger_app, careledger_patient;
alter function app.sign_out(text) owner to careledger_definer;

-- Ends every session of a user: the user themself, the admins of the user's
-- facility, or the super admin. Returns how many ended.
create or replace function app.revoke_sessions(p_user uuid) returns integer
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_facility uuid;
  v_count integer;
begin
  select u.facility_id into v_facility from public.users u where u.id = p_user;
  if not found or not (p_user = app.current_user_id()
                       or app.current_user_role() = 'super_admin'
                       or (v_facility is not null and v_facility = any (app.administered_facilities()))) then
    raise exception 'you may not end the sessions of this user' using errcode = 'insufficient_privilege';
  end if;
  update app.sessions s set revoked_at = now() where s.user_id = p_user and s.revoked_at is null;
  get diagnostics v_count = row_count;
  return v_count;
end
$$;
revoke all on function app.revoke_sessions(uuid) from public;
grant execute on function app.revoke_sessions(uuid) to careledger_app, careledger_patient;
alter function app.revoke_sessions(uuid) owner to careledger_definer;

-- The migrate step stores the digest of the job runner's secret under a key id
-- (a new digest under the same id replaces the old: rotation). The owner only.
create or replace function app.store_system_key(p_key_id text, p_digest bytea) returns void
language sql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
  insert into app.system_keys (key_id, digest, stored_at) values (p_key_id, p_digest, now())
  on conflict (key_id) do update set digest = excluded.digest, stored_at = excluded.stored_at
$$;
revoke all on function app.store_system_key(text, bytea) from public;
grant execute on function app.store_system_key(text, bytea) to careledger_owner;
alter function app.store_system_key(text, bytea) owner to careledger_definer;
comment on function app.store_system_key(text, bytea) is
  'Stores the SHA-256 digest of a job runner secret (system principals are entered with the secret); the migrate step only.';

-- ----------------------------------------------------------------------------
-- 1. Signing and verifying the context.
-- ----------------------------------------------------------------------------

-- The signature of a context: user, facility entered, session, and the
-- transaction's start time (microseconds), under the key only the definer
-- reads. Facts another database node can check too (with the same key and the
-- start time passed along), so the context can later travel with SET LOCAL.
create or replace function app.context_signature(p_user text, p_tenant text, p_session text) returns text
language plpgsql stable security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_key bytea;
begin
  select k.key into v_key from app.context_key k;
  return encode(extensions.hmac(
           convert_to(p_user || '|' || p_tenant || '|' || p_session || '|' || extract(epoch from now())::text, 'UTF8'),
           v_key, 'sha256'), 'hex');
end
$$;
revoke all on function app.context_signature(text, text, text) from public;
alter function app.context_signature(text, text, text) owner to careledger_definer;

-- True when app.user_id, app.current_tenant and app.session_id were set by the functions below.
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
                                       coalesce(current_setting('app.current_tenant', true), ''),
                                       coalesce(current_setting('app.session_id', true), ''));
end
$$;
revoke all on function app.context_is_signed() from public;
grant execute on function app.context_is_signed() to careledger_app, careledger_patient;
alter function app.context_is_signed() owner to careledger_definer;

-- The context as app.set_current_user/app.set_current_tenant left it, verified
-- by its signature.
create or replace function app.verify_signed_context(out ctx_user uuid, out ctx_tenant uuid, out ctx_role user_role,
                                                     out ctx_home uuid, out ctx_session text)
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_sig text := coalesce(current_setting('app.context_sig', true), '');
  v_user text := coalesce(current_setting('app.user_id', true), '');
  v_tenant text := coalesce(current_setting('app.current_tenant', true), '');
  v_session text := coalesce(current_setting('app.session_id', true), '');
begin
  if v_sig = '' or v_sig <> app.context_signature(v_user, v_tenant, v_session) then
    return;
  end if;
  ctx_user := nullif(v_user, '')::uuid;
  ctx_tenant := nullif(v_tenant, '')::uuid;
  ctx_session := v_session;
  select u.role, u.facility_id into ctx_role, ctx_home from public.users u where u.id = ctx_user and u.status = 'active';
end
$$;
revoke all on function app.verify_signed_context() from public;
alter function app.verify_signed_context() owner to careledger_definer;

-- Sets the signed-in user, no facility entered, if the proof holds: the token
-- of a live session of that user (not revoked, not expired; the user active,
-- the user's facility not suspended), or for a system principal the job
-- runner's secret. Otherwise refuses (SQLSTATE 28000): the portal ends the
-- sign-in. A null user is nobody and needs no proof.
create or replace function app.set_current_user(p_user uuid, p_proof text) returns void
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_role user_role;
  v_status user_status;
  v_home uuid;
  v_session text;
begin
  if p_user is not null then
    select u.role, u.status, u.facility_id into v_role, v_status, v_home from public.users u where u.id = p_user;
    if v_role = 'system' then
      if exists (select 1 from app.system_keys k where k.digest = app.token_digest(p_proof)) then
        v_session := 'system';
      end if;
    elsif v_status = 'active'
          and not exists (select 1 from public.facilities f where f.id = v_home and f.status = 'suspended') then
      select s.id::text into v_session from app.sessions s
      where s.token_digest = app.token_digest(p_proof) and s.user_id = p_user
        and s.revoked_at is null and s.expires_at > now();
    end if;
    if v_session is null then
      raise exception 'the sign-in has ended: sign in again' using errcode = 'invalid_authorization_specification';
    end if;
  end if;
  perform set_config('app.user_id', coalesce(p_user::text, ''), true);
  perform set_config('app.current_tenant', '', true);
  perform set_config('app.session_id', coalesce(v_session, ''), true);
  perform set_config('app.context_sig',
                     case when p_user is null then '' else app.context_signature(p_user::text, '', v_session) end, true);
  perform app.remember_request_context();
end
$$;
revoke all on function app.set_current_user(uuid, text) from public;
grant execute on function app.set_current_user(uuid, text) to careledger_app, careledger_patient;
alter function app.set_current_user(uuid, text) owner to careledger_definer;
comment on function app.set_current_user(uuid, text) is
  'Enters a user with proof (a live session token, or the job runner''s secret for a system principal); refuses with 28000 otherwise.';

-- Enters a facility (null: none). The super admin and system principals may
-- enter any facility; facility admins and staff only their own.
create or replace function app.set_current_tenant(p_tenant uuid) returns void
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  -- the verified user with the role and home facility app.set_current_user checked (no second read of users)
  c record := app.signed_context();
begin
  if p_tenant is not null then
    if c.ctx_role is null then
      raise exception 'set_current_user must come first' using errcode = 'insufficient_privilege';
    end if;
    if not exists (select 1 from public.facilities f where f.id = p_tenant)
       or not (c.ctx_role in ('super_admin', 'system')
               or (c.ctx_role in ('facility_admin', 'staff') and c.ctx_home = p_tenant)) then
      raise exception 'user % may not work in facility %', c.ctx_user, p_tenant using errcode = 'insufficient_privilege';
    end if;
  end if;
  perform set_config('app.current_tenant', coalesce(p_tenant::text, ''), true);
  perform set_config('app.session_id', coalesce(c.ctx_session, ''), true);
  perform set_config('app.context_sig',
                     case when c.ctx_user is null then ''
                          else app.context_signature(c.ctx_user::text, coalesce(p_tenant::text, ''), c.ctx_session) end,
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
     home_facility, visible, administered, permissions, session_setting)
  values (pg_backend_pid(), now(), coalesce(current_setting('app.user_id', true), ''),
          coalesce(current_setting('app.current_tenant', true), ''), current_setting('app.context_sig', true),
          c.ctx_user, c.ctx_tenant, c.ctx_role, c.ctx_home, a.visible, a.administered, a.permissions,
          c.ctx_session)
  on conflict (backend_pid) do update
    set transaction_start = excluded.transaction_start, user_setting = excluded.user_setting,
        tenant_setting = excluded.tenant_setting, signature = excluded.signature, user_id = excluded.user_id,
        tenant_id = excluded.tenant_id, role = excluded.role, home_facility = excluded.home_facility,
        visible = excluded.visible, administered = excluded.administered, permissions = excluded.permissions,
        session_setting = excluded.session_setting;
  -- now and then, forget processes that have ended: only rows untouched for an hour (a live process rewrites its
  -- row at every transaction, and process ids are reused), and never one another transaction holds (skip locked),
  -- so this never waits for, nor holds up, a process setting its own context
  if random() < 0.01 then
    delete from app.request_contexts r
    where r.backend_pid in (select k.backend_pid from app.request_contexts k
                            where k.transaction_start < now() - interval '1 hour'
                              and not exists (select 1 from pg_stat_activity x where x.pid = k.backend_pid)
                            for update skip locked);
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
  r.session_setting := coalesce(c.ctx_session, '');
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
    and c.session_setting = coalesce(pg_catalog.current_setting('app.session_id', true), '')
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
create or replace function app.signed_context(out ctx_user uuid, out ctx_tenant uuid, out ctx_role user_role, out ctx_home uuid,
                                              out ctx_session text)
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
    ctx_session := r.session_setting;
    return;
  end if;
  select v.ctx_user, v.ctx_tenant, v.ctx_role, v.ctx_home, v.ctx_session
    into ctx_user, ctx_tenant, ctx_role, ctx_home, ctx_session
  from app.verify_signed_context() v;
end
$$;
revoke all on function app.signed_context() from public;
alter function app.signed_context() owner to careledger_definer;
comment on function app.signed_context() is
  'The verified request context (user, tenant, the user''s role and home facility if active, session), one signature check; nulls if it does not verify.';

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

