-- ============================================================================
-- The health-card analytics no longer return a small group with its count
-- hidden ('<5'): a group of fewer than k patients, or one a shown total would
-- reveal, is not returned at all (R__0011_reporting.sql, app.analytics_k and
-- app.health_card_prevalence). The helpers that blanked and labelled small
-- counts have no caller left.
-- ============================================================================
drop function if exists app.suppressed_count(bigint);
drop function if exists app.suppressed_label(bigint);
