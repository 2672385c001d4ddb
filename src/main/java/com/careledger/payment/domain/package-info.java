/**
 * Online payments as the portal and the payment webhook call them: capture, refunds, the gateway's settlement
 * batches ({@code app.capture_payment}, {@code app.refund_payment}, {@code app.record_gateway_settlement} and the
 * payment states before capture). Refusals arrive as {@link com.careledger.core.db.Refusal}.
 */
@NullMarked
package com.careledger.payment.domain;

import org.jspecify.annotations.NullMarked;
