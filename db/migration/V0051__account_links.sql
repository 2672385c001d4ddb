-- ============================================================================
-- One account flow for everyone: invitations, patient sign-up and forgotten
-- passwords all end in a single-use, expiring link with which the owner of the
-- mailbox sets their own password. Nobody sets another person's password.
--
-- Requests go into app.outbox (no secret in it: who asked for what, for which
-- address). The notification sender, a system principal entered with the job
-- runner's secret, takes them; only then does the database make the link's
-- token, keep its SHA-256 digest in app.account_links and hand the token once
-- to the sender, which mails it. Neither table is readable by any role the app
-- uses, so an injected statement can neither read a link's token nor use one
-- meant for someone else. Functions are in R__0012_accounts.sql.
-- ============================================================================

comment on type user_status is
  'pending: made, no password set yet through its link (invited, signed up); active: may sign in; disabled: suspended.';

-- ----------------------------------------------------------------------------
-- The outbox: messages to compose and send, one row per request.
--   invitation      an admin added a sign-in (user_id known)
--   password_reset  someone asked to reset the password of an address; the
--                   account is looked up when the message is taken, so the
--                   request does the same work for any address
--   sign_up         someone asked for a patient sign-in for an address (with
--                   the name given); made when the message is taken, or a
--                   "you already have an account" message if the address has one
-- ----------------------------------------------------------------------------
create table app.outbox (
  id            uuid primary key default gen_random_uuid(),
  kind          text not null check (kind in ('invitation', 'password_reset', 'sign_up')),
  channel       text not null default 'mail' check (channel in ('mail', 'sms')),
  recipient     text not null check (length(recipient) between 3 and 254),
  user_id       uuid references users (id),
  display_name  text check (display_name is null or app.is_clean_text(display_name, 200)),
  requested_by  uuid references users (id),
  requested_at  timestamptz not null,
  taken_at      timestamptz,
  attempts      integer not null default 0 check (attempts between 0 and 100),
  finished_at   timestamptz,
  finish        text check (finish in ('sent', 'no_message')),
  check ((finished_at is null) = (finish is null)),
  check (kind <> 'invitation' or user_id is not null),
  check (kind <> 'sign_up' or display_name is not null)
);
create index outbox_pending_idx on app.outbox (requested_at) where finished_at is null;
create index outbox_finished_at_idx on app.outbox (finished_at) where finished_at is not null;
alter table app.outbox enable row level security;
alter table app.outbox force row level security;
revoke all on app.outbox from public;
alter table app.outbox owner to careledger_definer;
comment on table app.outbox is
  'Messages to send (invitation, password reset, sign-up), taken once by the notification sender; holds no secret; read and written only by definer functions.';
comment on column app.outbox.finish is
  'sent: handed to the mail or SMS port; no_message: nothing to send (no account for a reset, an invitation already accepted).';

-- ----------------------------------------------------------------------------
-- Account links: the SHA-256 digest of each link's token (the token itself is
-- never stored), whose password it sets, until when, and whether it was used
-- or ended by a newer link.
-- ----------------------------------------------------------------------------
create table app.account_links (
  id            uuid primary key default gen_random_uuid(),
  user_id       uuid not null references users (id),
  purpose       text not null check (purpose in ('invitation', 'password_reset', 'sign_up')),
  token_digest  bytea not null unique check (length(token_digest) = 32),
  outbox_id     uuid references app.outbox (id) on delete set null,
  created_at    timestamptz not null,
  expires_at    timestamptz not null,
  used_at       timestamptz,
  ended_at      timestamptz,
  check (expires_at > created_at)
);
create index account_links_open_idx on app.account_links (user_id) where used_at is null and ended_at is null;
alter table app.account_links enable row level security;
alter table app.account_links force row level security;
revoke all on app.account_links from public;
alter table app.account_links owner to careledger_definer;
comment on table app.account_links is
  'Single-use, expiring set-password links: the SHA-256 digest of each token, never the token; read and written only by definer functions.';

-- ----------------------------------------------------------------------------
-- The notification sender: the system principal the portal's mail and SMS job
-- acts as (entered with the job runner's secret, like the others).
-- ----------------------------------------------------------------------------
set local role careledger_definer;
insert into users (id, email, display_name, password_hash, role) values
  ('00000000-0000-4000-8000-000000000005', 'notification-sender@system.careledger', 'System: notification sender', '!', 'system');
reset role;

-- Onboarding no longer takes the first admin's password hash: the admin is
-- invited and sets it. R__0001_tenancy_and_roles.sql makes the new signature.
drop function if exists app.onboard_facility(text, text, facility_type, text, text, text, text, text, text, jsonb, jsonb);
