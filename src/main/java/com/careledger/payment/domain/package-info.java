/**
 * Online payments as the portal and the payment webhook call them: the portal creates orders
 * ({@code app.create_payment_order}); the webhook records what the gateway reports — authorizations, failures,
 * captures, refunds ({@code app.capture_payment}, {@code app.refund_payment} and the payment states before capture),
 * which the database refuses to anyone else; and the gateway's settlement batches
 * ({@code app.record_gateway_settlement}). Refusals arrive as {@link com.careledger.core.db.Refusal}.
 */
@NullMarked
package com.careledger.payment.domain;

import org.jspecify.annotations.NullMarked;
