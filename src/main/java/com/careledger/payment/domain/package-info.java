/**
 * Online payments as the portal and the payment webhook call them: capture, refunds, the gateway's settlement
 * batches (V0051, V0065 and later). Refusals arrive as {@link com.careledger.core.db.Refusal}.
 */
@NullMarked
package com.careledger.payment.domain;

import org.jspecify.annotations.NullMarked;
