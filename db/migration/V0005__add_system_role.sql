-- ============================================================================
-- Jobs with no signed-in user (partition upkeep, refreshes, gateway webhooks)
-- act as named system principals: users with role 'system' that can never
-- sign in. A new enum value is usable only after this migration commits, so
-- it stands alone.
-- ============================================================================

alter type user_role add value if not exists 'system';
