-- ============================================================================
-- The language a person reads the portal in: English or Hindi, chosen with the
-- switcher in the header and kept with the sign-in, so it follows them to every
-- device. Null: not chosen, the browser's language decides.
-- app.set_my_language (R__0012_accounts.sql) is the only way to change it.
-- ============================================================================
alter table users add column language text
  constraint users_language_known check (language in ('en', 'hi'));
comment on column users.language is
  'The portal language the person chose (en, hi); null: the browser''s. Set by app.set_my_language only.';

grant select (language) on users to careledger_app, careledger_patient;
