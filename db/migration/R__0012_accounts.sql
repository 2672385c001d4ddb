-- ============================================================================
-- Accounts: invitations, patient sign-up, forgotten passwords, and the links
-- that end each of them: functions.
--
-- Repeatable: Flyway runs this file again whenever it changes, so every
-- statement here can run twice (create or replace, grants, comments).
-- Tables are in V0051__account_links.sql.
--
-- The flow, for everyone:
--   1. A request goes into app.outbox: app.invite_user (an admin adds a
--      sign-in, status pending), app.sign_up_patient (a patient asks for one),
--      app.request_password_reset (anyone, for any address). The last two need
--      no context, are throttled per mailbox and per client address, and
--      answer the same whether the address has an account or not: they only
--      queue the request.
--   2. The notification sender (a system principal, entered with the job
--      runner's secret) takes the requests with app.take_notifications: the
--      database looks the account up, makes the link's token (256 random
--      bits), keeps only its digest in app.account_links and returns the token
--      once, with what the message should say. The sender mails it and marks
--      the message sent (app.mark_notification_sent).
--   3. The owner of the mailbox opens the link and sets a password:
--      app.redeem_account_link (no context) checks the token, its expiry and
--      that it was not used, the password policy, stores the bcrypt hash,
--      activates a pending sign-in and ends every session of the user.
-- ============================================================================

-- ----------------------------------------------------------------------------
-- Rules
-- ----------------------------------------------------------------------------

-- What is wrong with a new password, in a sentence; null when nothing is. At
-- least 12 and at most 200 characters, not the email address or its part
-- before the @, not one character repeated, not one of a short list of
-- passwords every guesser tries first (compared ignoring case).
create or replace function app.password_problem(p_password text, p_email text) returns text
language plpgsql immutable
set search_path = pg_catalog, pg_temp
as $$
declare
  v_password text := lower(coalesce(p_password, ''));
  v_email text := lower(btrim(coalesce(p_email, '')));
begin
  if length(coalesce(p_password, '')) < 12 then
    return 'a password has at least 12 characters';
  end if;
  if length(p_password) > 200 then
    return 'a password has at most 200 characters';
  end if;
  if v_password = v_email or (v_email <> '' and v_password = split_part(v_email, '@', 1)) then
    return 'a password is not your email address';
  end if;
  if v_password ~ '^(.)\1*$' then
    return 'a password is not one character repeated';
  end if;
  if v_password = any (array[
      '123456789012', '1234567890123', '12345678901234', '123456789abc', '1234567890ab', '1234567890qwerty',
      'password1234', 'password@123', 'password@1234', 'password#123', 'password!123', 'passw0rd1234',
      'qwertyuiop12', 'qwertyuiop123', 'qwerty123456', 'qwerty@12345', '1q2w3e4r5t6y', 'asdfghjkl123',
      'iloveyou1234', 'welcome@1234', 'welcome12345', 'admin@123456', 'administrator', 'letmein12345',
      'abcdefghijkl', 'abcd1234abcd', 'changeme1234', 'india@123456', 'hospital@123', 'careledger123',
      'careledger@123', 'careledger2026', 'careledger#2026']) then
    return 'this password is one of the first that guessers try: choose another';
  end if;
  return null;
end
$$;
revoke all on function app.password_problem(text, text) from public;
alter function app.password_problem(text, text) owner to careledger_definer;
comment on function app.password_problem(text, text) is
  'What is wrong with a new password (at least 12 characters, not the email, not one character repeated, not a common password), or null.';

-- An address a sign-in may have, as app.sign_up_patient and
-- app.request_password_reset take it (the users table's own rule).
create or replace function app.is_account_email(p_email text) returns boolean
language sql immutable
set search_path = pg_catalog, pg_temp
as $$
  select coalesce(length(p_email) between 3 and 254 and p_email ~ '^[^@\s]+@[^@\s]+$', false)
$$;
revoke all on function app.is_account_email(text) from public;
alter function app.is_account_email(text) owner to careledger_definer;

-- Whether the current user may add a sign-in of this role at this facility:
-- the super admin a facility's admin or staff, a facility's admin its staff.
create or replace function app.may_invite(p_role user_role, p_facility uuid) returns boolean
language sql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select case p_role
           when 'facility_admin' then app.current_user_role() = 'super_admin'
           when 'staff' then p_facility = any (app.administered_facilities())
           else false
         end
         and exists (select 1 from public.facilities f where f.id = p_facility)
$$;
revoke all on function app.may_invite(user_role, uuid) from public;
alter function app.may_invite(user_role, uuid) owner to careledger_definer;

-- ----------------------------------------------------------------------------
-- 1. Requests
-- ----------------------------------------------------------------------------

-- Adds a sign-in for someone else, who sets its password through the invitation
-- mailed to them: a facility's admin (by the super admin) or staff (by the
-- super admin or the facility's admin). The sign-in is pending until then.
-- Returns the new user's id.
create or replace function app.invite_user(p_email text, p_display_name text, p_role user_role, p_facility uuid)
returns uuid
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_email text := btrim(coalesce(p_email, ''));
  v_user uuid;
begin
  if not coalesce(app.may_invite(p_role, p_facility), false) then
    raise exception 'you may not add a % sign-in at this facility (the super admin adds facility admins; a facility''s admins add its staff)',
      coalesce(p_role::text, 'null') using errcode = 'insufficient_privilege';
  end if;
  if not app.is_account_email(v_email) then
    raise exception 'an email address looks like name@example.in, at most 254 characters' using errcode = 'check_violation';
  end if;
  if not coalesce(app.is_clean_text(p_display_name, 200), false) then
    raise exception 'a person''s name is plain text of at most 200 characters, not blank: no control or invisible characters'
      using errcode = 'check_violation';
  end if;
  if exists (select 1 from public.users u where lower(u.email) = lower(v_email)) then
    raise exception 'a sign-in with this email address exists already' using errcode = 'unique_violation';
  end if;
  insert into public.users (email, display_name, password_hash, role, facility_id, status)
  values (v_email, btrim(p_display_name), '!', p_role, p_facility, 'pending')
  returning id into v_user;
  insert into app.outbox (kind, recipient, user_id, requested_by, requested_at)
  values ('invitation', lower(v_email), v_user, app.current_user_id(), now());
  return v_user;
end
$$;
revoke all on function app.invite_user(text, text, user_role, uuid) from public;
grant execute on function app.invite_user(text, text, user_role, uuid) to careledger_app, careledger_patient;
alter function app.invite_user(text, text, user_role, uuid) owner to careledger_definer;
comment on function app.invite_user(text, text, user_role, uuid) is
  'Adds a pending sign-in (facility admin: super admin only; staff: the facility''s admins) and queues its invitation; nobody sets another person''s password.';

-- Sends a pending sign-in's invitation again (the earlier link ends when the
-- new one is made); for whoever may add that sign-in.
create or replace function app.resend_invitation(p_user uuid) returns void
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_user public.users;
begin
  select u.* into v_user from public.users u where u.id = p_user;
  if v_user.id is null or not coalesce(app.may_invite(v_user.role, v_user.facility_id), false) then
    raise exception 'you may not invite this user' using errcode = 'insufficient_privilege';
  end if;
  if v_user.status <> 'pending' then
    raise exception 'this sign-in has its password already (it is %)', v_user.status using errcode = 'check_violation';
  end if;
  insert into app.outbox (kind, recipient, user_id, requested_by, requested_at)
  values ('invitation', lower(v_user.email), v_user.id, app.current_user_id(), now());
end
$$;
revoke all on function app.resend_invitation(uuid) from public;
grant execute on function app.resend_invitation(uuid) to careledger_app, careledger_patient;
alter function app.resend_invitation(uuid) owner to careledger_definer;
comment on function app.resend_invitation(uuid) is
  'Queues a pending sign-in''s invitation again, for whoever may add that sign-in.';

-- The throttle of self-service requests (sign-up, password reset), checked and
-- counted before anything is queued: per mailbox 3 within 30 minutes, per
-- client address 20 within 30 minutes; either blocks for 30 minutes. Returns
-- the seconds to wait, or null when the request may go ahead (and was counted).
create or replace function app.count_account_request(p_email text, p_address text, p_at timestamptz)
returns integer
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_mailbox text := 'mail:' || left(p_email, 254);
  v_address text := 'request:' || left(coalesce(nullif(btrim(p_address), ''), 'unknown'), 100);
  v_until timestamptz;
begin
  select max(t.blocked_until) into v_until from app.sign_in_throttle t where t.key in (v_mailbox, v_address);
  if v_until > p_at then
    return ceil(extract(epoch from v_until - p_at))::integer;
  end if;
  perform app.count_throttle_event(v_mailbox, p_at, 3, interval '30 minutes', interval '30 minutes');
  perform app.count_throttle_event(v_address, p_at, 20, interval '30 minutes', interval '30 minutes');
  return null;
end
$$;
revoke all on function app.count_account_request(text, text, timestamptz) from public;
alter function app.count_account_request(text, text, timestamptz) owner to careledger_definer;

-- Forgotten password, at a given time (tests move the clock with it; the app
-- roles cannot run it). Outcome: 'accepted' for every well-formed address,
-- whether it has an account or not (the same row, the same work: one queued
-- request; the account is looked up when the message is taken), 'throttled'
-- with the seconds to wait, or 'invalid_email'.
create or replace function app.request_password_reset_at(p_email text, p_address text, p_at timestamptz)
returns table (outcome text, retry_after_seconds integer)
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_email text := lower(btrim(coalesce(p_email, '')));
  v_wait integer;
begin
  if not app.is_account_email(v_email) then
    return query select 'invalid_email'::text, null::integer;
    return;
  end if;
  v_wait := app.count_account_request(v_email, p_address, p_at);
  if v_wait is not null then
    return query select 'throttled'::text, v_wait;
    return;
  end if;
  insert into app.outbox (kind, recipient, requested_at) values ('password_reset', v_email, p_at);
  return query select 'accepted'::text, null::integer;
end
$$;
revoke all on function app.request_password_reset_at(text, text, timestamptz) from public;
alter function app.request_password_reset_at(text, text, timestamptz) owner to careledger_definer;
comment on function app.request_password_reset_at(text, text, timestamptz) is
  'Queues a password reset for an address at a given time (the app roles cannot run it); answers alike for known and unknown addresses.';

-- Forgotten password now: what the portal calls (no context needed).
create or replace function app.request_password_reset(p_email text, p_address text)
returns table (outcome text, retry_after_seconds integer)
language sql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select * from app.request_password_reset_at(p_email, p_address, clock_timestamp())
$$;
revoke all on function app.request_password_reset(text, text) from public;
grant execute on function app.request_password_reset(text, text) to careledger_app, careledger_patient;
alter function app.request_password_reset(text, text) owner to careledger_definer;
comment on function app.request_password_reset(text, text) is
  'Forgotten password: queues a reset link for the address; accepted alike whether the address has an account or not, throttled per mailbox and client address.';

-- Patient self sign-up, at a given time (the app roles cannot run it). Queues
-- the request; the sign-in is made (pending) when the message is taken, and
-- its owner sets the password through the mailed link, so whoever typed the
-- address never chooses the password of someone else's mailbox. An address
-- that has a sign-in gets a "you already have an account" message instead.
-- Outcome: 'accepted' alike for new and used addresses, 'throttled',
-- 'invalid_email' or 'invalid_name'.
create or replace function app.sign_up_patient_at(p_email text, p_display_name text, p_address text, p_at timestamptz)
returns table (outcome text, retry_after_seconds integer)
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_email text := lower(btrim(coalesce(p_email, '')));
  v_wait integer;
begin
  if not app.is_account_email(v_email) then
    return query select 'invalid_email'::text, null::integer;
    return;
  end if;
  if not coalesce(app.is_clean_text(p_display_name, 200), false) then
    return query select 'invalid_name'::text, null::integer;
    return;
  end if;
  v_wait := app.count_account_request(v_email, p_address, p_at);
  if v_wait is not null then
    return query select 'throttled'::text, v_wait;
    return;
  end if;
  insert into app.outbox (kind, recipient, display_name, requested_at)
  values ('sign_up', v_email, btrim(p_display_name), p_at);
  return query select 'accepted'::text, null::integer;
end
$$;
revoke all on function app.sign_up_patient_at(text, text, text, timestamptz) from public;
alter function app.sign_up_patient_at(text, text, text, timestamptz) owner to careledger_definer;
comment on function app.sign_up_patient_at(text, text, text, timestamptz) is
  'Queues a patient sign-up at a given time (the app roles cannot run it); answers alike for new and used addresses.';

-- Patient self sign-up now: what the portal calls (no context needed).
create or replace function app.sign_up_patient(p_email text, p_display_name text, p_address text)
returns table (outcome text, retry_after_seconds integer)
language sql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select * from app.sign_up_patient_at(p_email, p_display_name, p_address, clock_timestamp())
$$;
revoke all on function app.sign_up_patient(text, text, text) from public;
grant execute on function app.sign_up_patient(text, text, text) to careledger_app, careledger_patient;
alter function app.sign_up_patient(text, text, text) owner to careledger_definer;
comment on function app.sign_up_patient(text, text, text) is
  'Patient self sign-up: queues a set-your-password link (or an "already registered" message); accepted alike for new and used addresses.';

-- ----------------------------------------------------------------------------
-- 2. The notification sender
-- ----------------------------------------------------------------------------

-- Takes up to p_limit messages to send, at a given time (the app roles cannot
-- run it), for the notification sender only. A message is taken once: taken
-- again only if it was not marked sent within 10 minutes (the sender stopped),
-- at most 5 times. For each, the account is looked up now; a message that has
-- nothing to say (no account for a reset, an invitation already accepted, a
-- disabled sign-in) is finished without a row. Otherwise a new link is made,
-- ending the user's earlier open links, and returned once: its token (the
-- database keeps only the digest) and expiry, with the message's kind
-- ('invitation' 72 hours, 'sign_up' 24 hours, 'password_reset' and
-- 'already_registered' 30 minutes), channel, recipient, name and facility.
create or replace function app.take_notifications_at(p_limit integer, p_at timestamptz)
returns table (id uuid, kind text, channel text, recipient text, display_name text, facility_name text,
               link_token text, link_expires_at timestamptz)
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_row app.outbox;
  v_user public.users;
  v_kind text;
  v_purpose text;
  v_lifetime interval;
  v_token text;
begin
  if app.current_user_id() is distinct from '00000000-0000-4000-8000-000000000005'::uuid then
    raise exception 'only the notification sender takes messages' using errcode = 'insufficient_privilege';
  end if;
  if p_limit is null or p_limit not between 1 and 1000 then
    raise exception 'take between 1 and 1000 messages at a time' using errcode = 'invalid_parameter_value';
  end if;
  -- the outbox holds addresses, also of people without an account: forget them after 30 days
  delete from app.outbox o where o.finished_at < p_at - interval '30 days';
  for v_row in
    select o.* from app.outbox o
    where o.finished_at is null and o.attempts < 5
      and (o.taken_at is null or o.taken_at <= p_at - interval '10 minutes')
    order by o.requested_at
    limit p_limit
    for update skip locked
  loop
    v_user := null;
    v_kind := null;
    if v_row.kind = 'invitation' then
      select u.* into v_user from public.users u where u.id = v_row.user_id and u.status = 'pending';
      if v_user.id is not null then
        v_kind := 'invitation';
        v_purpose := 'invitation';
        v_lifetime := interval '72 hours';
      end if;
    elsif v_row.kind = 'password_reset' then
      select u.* into v_user from public.users u
      where lower(u.email) = v_row.recipient and u.role <> 'system' and u.status in ('active', 'pending');
      if v_user.id is not null then
        v_kind := 'password_reset';
        v_purpose := 'password_reset';
        v_lifetime := interval '30 minutes';
      end if;
    elsif v_row.kind = 'sign_up' then
      select u.* into v_user from public.users u where lower(u.email) = v_row.recipient;
      if v_user.id is null then
        insert into public.users (email, display_name, password_hash, role, status)
        values (v_row.recipient, v_row.display_name, '!', 'patient', 'pending')
        returning * into v_user;
        v_kind := 'sign_up';
        v_purpose := 'sign_up';
        v_lifetime := interval '24 hours';
      elsif v_user.role = 'patient' and v_user.status = 'pending' then
        -- signed up before and never finished: a new sign-up link
        v_kind := 'sign_up';
        v_purpose := 'sign_up';
        v_lifetime := interval '24 hours';
      elsif v_user.role <> 'system' and v_user.status in ('active', 'pending') then
        v_kind := 'already_registered';
        v_purpose := 'password_reset';
        v_lifetime := interval '30 minutes';
      else
        v_user := null;
      end if;
    end if;
    if v_kind is null then
      update app.outbox o set taken_at = p_at, attempts = o.attempts + 1, finished_at = p_at, finish = 'no_message'
      where o.id = v_row.id;
      continue;
    end if;
    v_token := encode(extensions.gen_random_bytes(32), 'hex');
    update app.account_links l set ended_at = p_at
    where l.user_id = v_user.id and l.used_at is null and l.ended_at is null;
    insert into app.account_links (user_id, purpose, token_digest, outbox_id, created_at, expires_at)
    values (v_user.id, v_purpose, app.token_digest(v_token), v_row.id, p_at, p_at + v_lifetime);
    update app.outbox o set taken_at = p_at, attempts = o.attempts + 1 where o.id = v_row.id;
    return query
      select v_row.id, v_kind, v_row.channel, v_user.email, v_user.display_name,
             (select f.name from public.facilities f where f.id = v_user.facility_id), v_token, p_at + v_lifetime;
  end loop;
end
$$;
revoke all on function app.take_notifications_at(integer, timestamptz) from public;
alter function app.take_notifications_at(integer, timestamptz) owner to careledger_definer;
comment on function app.take_notifications_at(integer, timestamptz) is
  'The notification sender takes messages at a given time (the app roles cannot run it): each once, with a new link whose token is returned only here.';

-- Takes up to p_limit messages now: what the sender job calls.
create or replace function app.take_notifications(p_limit integer)
returns table (id uuid, kind text, channel text, recipient text, display_name text, facility_name text,
               link_token text, link_expires_at timestamptz)
language sql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select * from app.take_notifications_at(p_limit, clock_timestamp())
$$;
revoke all on function app.take_notifications(integer) from public;
grant execute on function app.take_notifications(integer) to careledger_app, careledger_patient;
alter function app.take_notifications(integer) owner to careledger_definer;
comment on function app.take_notifications(integer) is
  'The notification sender only (entered with the job runner''s secret): takes messages to send, each once, with its link''s token.';

-- Marks a taken message sent (the mail or SMS port accepted it); the
-- notification sender only. False if it was not taken or is finished already.
create or replace function app.mark_notification_sent(p_id uuid) returns boolean
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
begin
  if app.current_user_id() is distinct from '00000000-0000-4000-8000-000000000005'::uuid then
    raise exception 'only the notification sender marks messages sent' using errcode = 'insufficient_privilege';
  end if;
  update app.outbox o set finished_at = clock_timestamp(), finish = 'sent'
  where o.id = p_id and o.taken_at is not null and o.finished_at is null;
  return found;
end
$$;
revoke all on function app.mark_notification_sent(uuid) from public;
grant execute on function app.mark_notification_sent(uuid) to careledger_app, careledger_patient;
alter function app.mark_notification_sent(uuid) owner to careledger_definer;
comment on function app.mark_notification_sent(uuid) is
  'The notification sender only: marks a taken message sent.';

-- ----------------------------------------------------------------------------
-- 3. Redeeming a link
-- ----------------------------------------------------------------------------

-- Sets a password with a link, at a given time (tests move the clock with it;
-- the app roles cannot run it). Outcome:
--   'password_set'  the link was live (not used, not ended by a newer one, not
--                   expired, its user not disabled) and the password passes
--                   app.password_problem: the bcrypt hash is stored, a pending
--                   sign-in becomes active, the link is used, the user's other
--                   links and every session end, and the account's sign-in
--                   throttle is cleared; with the user's email
--   'invalid_link'  anything else about the link, alike; counted as a failure
--                   of the client address, like a failed sign-in
--   'weak_password' with the problem; the link stays usable
--   'throttled'     the client address failed too often (sign-in's counter)
create or replace function app.redeem_account_link_at(p_token text, p_password text, p_address text, p_at timestamptz)
returns table (outcome text, problem text, retry_after_seconds integer, email text)
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_address text := 'address:' || left(coalesce(nullif(btrim(p_address), ''), 'unknown'), 100);
  v_until timestamptz;
  v_link app.account_links;
  v_user public.users;
  v_problem text;
begin
  select t.blocked_until into v_until from app.sign_in_throttle t where t.key = v_address;
  if v_until > p_at then
    return query select 'throttled'::text, null::text, ceil(extract(epoch from v_until - p_at))::integer, null::text;
    return;
  end if;
  if p_token ~ '^[0-9a-f]{64}$' then
    select l.* into v_link from app.account_links l where l.token_digest = app.token_digest(p_token) for update;
    select u.* into v_user from public.users u where u.id = v_link.user_id;
  end if;
  if v_link.id is null or v_link.used_at is not null or v_link.ended_at is not null or v_link.expires_at <= p_at
     or (v_user.status is distinct from 'active' and v_user.status is distinct from 'pending') then
    perform app.count_throttle_event(v_address, p_at, 30, interval '15 minutes', interval '15 minutes');
    return query select 'invalid_link'::text, null::text, null::integer, null::text;
    return;
  end if;
  v_problem := app.password_problem(p_password, v_user.email);
  if v_problem is not null then
    return query select 'weak_password'::text, v_problem, null::integer, null::text;
    return;
  end if;
  update public.users u
  set password_hash = '{bcrypt}' || extensions.crypt(p_password, extensions.gen_salt('bf', 10)),
      status = 'active'
  where u.id = v_user.id;
  update app.account_links l set used_at = p_at where l.id = v_link.id;
  update app.account_links l set ended_at = p_at
  where l.user_id = v_user.id and l.used_at is null and l.ended_at is null;
  update app.sessions s set revoked_at = p_at where s.user_id = v_user.id and s.revoked_at is null;
  delete from app.sign_in_throttle t where t.key = 'account:' || left(lower(btrim(v_user.email)), 254);
  return query select 'password_set'::text, null::text, null::integer, v_user.email;
end
$$;
revoke all on function app.redeem_account_link_at(text, text, text, timestamptz) from public;
alter function app.redeem_account_link_at(text, text, text, timestamptz) owner to careledger_definer;
comment on function app.redeem_account_link_at(text, text, text, timestamptz) is
  'Sets a password with a link at a given time (the app roles cannot run it): single use, expiry, policy, sessions ended.';

-- Sets a password with a link now: what the portal calls (no context needed).
create or replace function app.redeem_account_link(p_token text, p_password text, p_address text)
returns table (outcome text, problem text, retry_after_seconds integer, email text)
language sql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select * from app.redeem_account_link_at(p_token, p_password, p_address, clock_timestamp())
$$;
revoke all on function app.redeem_account_link(text, text, text) from public;
grant execute on function app.redeem_account_link(text, text, text) to careledger_app, careledger_patient;
alter function app.redeem_account_link(text, text, text) owner to careledger_definer;
comment on function app.redeem_account_link(text, text, text) is
  'Sets a password with a mailed link: password_set, invalid_link, weak_password (with the problem) or throttled. Ends the user''s sessions.';

-- ----------------------------------------------------------------------------
-- The signed-in person's language
-- ----------------------------------------------------------------------------

-- Keeps the language the signed-in person chose ('en' or 'hi') on their own
-- sign-in, and only there: the app roles may not update users.
create or replace function app.set_my_language(p_language text) returns void
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_user uuid := app.current_user_id();
begin
  if v_user is null then
    raise exception 'no one is signed in' using errcode = '28000';
  end if;
  if p_language is null or p_language not in ('en', 'hi') then
    raise exception 'unknown language: %', coalesce(p_language, 'null') using errcode = '22023';
  end if;
  update public.users set language = p_language where id = v_user;
end;
$$;
alter function app.set_my_language(text) owner to careledger_definer;
revoke all on function app.set_my_language(text) from public;
grant execute on function app.set_my_language(text) to careledger_app, careledger_patient;
comment on function app.set_my_language(text) is
  'Keeps the portal language (en, hi) the signed-in person chose on their own sign-in; raises 28000 without one, 22023 for another language.';
