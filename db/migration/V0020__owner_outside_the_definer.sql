-- ============================================================================
-- The owner is no longer a member of the definer (db/setup/roles.sql), so it
-- holds none of the definer's privileges; what of the definer's it needs is
-- granted to it here by name.
--
-- The owner runs one thing after the migrations: app.maintain_partitions (its
-- own, SECURITY DEFINER: partitions are made by the role that owns their
-- parent). It checks its caller with app.current_user_role(), and attaching a
-- partition validates the partition's foreign keys with the referenced
-- tables' policies in force, whose functions the definer owns. These only read
-- the request context, and the app and patient roles execute them already.
-- (Functions of the repeatable files are granted beside them: R__0003,
-- R__0006.)
-- ============================================================================
grant execute on function
  app.current_user_role(),
  app.current_staff_id(),
  app.visible_facilities(),
  app.administered_facilities(),
  app.has_permission(text),
  app.facilities_permitting(text[]),
  app.own_patient_ids(),
  app.own_patient_facilities(),
  app.reporting_facilities()
to careledger_owner;
