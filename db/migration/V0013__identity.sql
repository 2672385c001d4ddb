-- ============================================================================
-- Identity the database can prove: sign-in sessions, the keys of the system
-- principals, sign-in throttling, and password hashes out of the app's reach.
--
-- Entering a user's context (app.set_current_user) takes a proof that an
-- injected statement cannot hold: the token of a live sign-in session, which
-- only app.sign_in hands out (after checking the password itself), or for a
-- system principal the secret of the job runner, whose digest only the
-- migrate step stores. Functions are in R__0002_request_context.sql.
-- ============================================================================

-- ----------------------------------------------------------------------------
-- Sessions: one per sign-in. The token goes to the portal once; the database
-- keeps only its SHA-256 digest.
-- ----------------------------------------------------------------------------
create table app.sessions (
  id            uuid primary key default gen_random_uuid(),
  user_id       uuid not null references users (id),
  token_digest  bytea not null unique check (length(token_digest) = 32),
  created_at    timestamptz not null,
  expires_at    timestamptz not null,
  revoked_at    timestamptz,
  check (expires_at > created_at)
);
create index sessions_user_id_idx on app.sessions (user_id) where revoked_at is null;
alter table app.sessions enable row level security;
alter table app.sessions force row level security;
revoke all on app.sessions from public;
alter table app.sessions owner to careledger_definer;
comment on table app.sessions is
  'Sign-in sessions: the SHA-256 digest of each token, its expiry and revocation; read and written only by definer functions.';

-- ----------------------------------------------------------------------------
-- The job runner's keys: a system principal (partition upkeep, report refresh,
-- the payment webhook) is entered with a secret whose SHA-256 digest is here.
-- Only the migrate step stores a digest (app.store_system_key, executable by
-- the owner alone); no role the portal connects as can read or write them.
-- ----------------------------------------------------------------------------
create table app.system_keys (
  key_id     text primary key check (key_id ~ '^[a-z0-9_-]{1,40}$'),
  digest     bytea not null check (length(digest) = 32),
  stored_at  timestamptz not null
);
alter table app.system_keys enable row level security;
alter table app.system_keys force row level security;
revoke all on app.system_keys from public;
alter table app.system_keys owner to careledger_definer;
comment on table app.system_keys is
  'SHA-256 digests of the secrets the job runner enters system principals with; stored by the migrate step only.';

-- ----------------------------------------------------------------------------
-- Sign-in throttling, per account and per client address, shared by every node.
-- ----------------------------------------------------------------------------
create table app.sign_in_throttle (
  key               text primary key check (length(key) <= 300),
  failures          integer not null check (failures > 0),
  first_failure_at  timestamptz not null,
  blocked_until     timestamptz not null
);
alter table app.sign_in_throttle enable row level security;
alter table app.sign_in_throttle force row level security;
revoke all on app.sign_in_throttle from public;
alter table app.sign_in_throttle owner to careledger_definer;
comment on table app.sign_in_throttle is
  'Failed sign-ins per account (account:<email>) and per client address (address:<ip>), and until when each is refused.';

-- The session a kept request context was entered with.
alter table app.request_contexts add column session_setting text not null default '';

-- ----------------------------------------------------------------------------
-- No role the app uses reads a password hash: the app roles read the other
-- columns of users only.
-- ----------------------------------------------------------------------------
revoke select on users from careledger_app, careledger_patient;
grant select (id, email, display_name, role, facility_id, status, created_at) on users
  to careledger_app, careledger_patient;
comment on column users.password_hash is
  'Encoded password with its {bcrypt} prefix; read only by app.sign_in (definer), never by the app roles, never shown or logged.';

-- The functions whose signature changes; R__0002_request_context.sql makes the new ones.
drop function if exists app.find_login(text);
drop function if exists app.set_current_user(uuid);
drop function if exists app.context_signature(text, text);
drop function if exists app.verify_signed_context();
drop function if exists app.signed_context();
