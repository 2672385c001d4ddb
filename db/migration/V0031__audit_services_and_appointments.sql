-- ============================================================================
-- The audit log joins partition upkeep (monthly partitions, IST bounds, three
-- months ahead), and the tables of services and appointments get the audit
-- trigger. Appointment notes are clinical: facility admins, who read the audit
-- log, may not read them, so the log records that a note was written, not its
-- text.
-- ============================================================================

select app.register_monthly_partitions('public.audit_log', 3, 1, null);

create trigger audit after insert or update or delete on services
  for each row execute function app.audit_row('id');
create trigger audit after insert or update or delete on appointments
  for each row execute function app.audit_row('id', 'starts_on');
create trigger audit after insert or update or delete on appointment_notes
  for each row execute function app.audit_row('id', '-body');
