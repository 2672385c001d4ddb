-- ============================================================================
-- What the gateway reports (captures, authorizations, failed attempts,
-- refunds) is recorded only by the payment-webhook system principal; staff
-- with billing.manage create orders only (R__0009_payments_and_cash.sql).
--
-- The caller check those functions shared, which let billing staff record
-- them, and the order lookup beside it give way to app.require_payment_gateway
-- and app.gateway_event_order (defined in R__0009).
-- ============================================================================
drop function if exists app.require_payment_recorder(text);
drop function if exists app.lock_payment_order(payment_gateway, text);
