-- ============================================================================
-- A sign-in that exists but cannot be used yet: 'pending' until its owner sets
-- a password through the link mailed to them (an invited admin or staff
-- member, a patient who signed up). Alone in its migration: a value added to
-- an enum cannot be used in the transaction that adds it.
-- ============================================================================
-- (Its comment is in V0051__account_links.sql.)
alter type user_status add value if not exists 'pending';
