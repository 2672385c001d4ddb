-- ============================================================================
-- Health cards join the audit trail. Card tables hold a person's data, not a
-- facility's, so their audit rows carry no facility and only the super admin
-- reads them. Clinical fields are named as hidden ('-column'): the log shows
-- that they changed, never what they hold. PIN hashes, national-id hashes and
-- ciphertexts are redacted by app.audit_redact() like every secret.
-- ============================================================================

create trigger audit after insert or update or delete on health_cards
  for each row execute function app.audit_row('id');
create trigger audit after insert or update or delete on health_card_clinical
  for each row execute function app.audit_row('card_id', '-blood_group', '-medical_history', '-allergies',
                                               '-chronic_conditions');
create trigger audit after insert or update or delete on health_card_pins
  for each row execute function app.audit_row('card_id');
create trigger audit after insert or update or delete on national_ids
  for each row execute function app.audit_row('card_id', 'kind');
