-- ============================================================================
-- Which sign-in a patient record belongs to decides who reads its bills,
-- payments and appointments (the policies to careledger_patient). Staff may
-- no longer set it: a plain insert or update of patients.user_id by the app
-- roles let a clerk point any record at any sign-in. Only the definer
-- functions that take the holder's proof (app.claim_health_card, with the
-- card's PIN) write it.
-- ============================================================================
revoke insert (user_id), update (user_id) on patients from careledger_app, careledger_patient;
comment on column patients.user_id is
  'The person''s sign-in, when they use the patient portal. Written only by definer functions that take the holder''s proof, never by the app roles.';
