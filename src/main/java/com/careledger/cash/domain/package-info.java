/**
 * Cash at the counter as the portal calls it: a clerk's shift, collections, cash refunds ({@code app.open_shift},
 * {@code app.close_shift}, {@code app.collect_cash}, {@code app.refund_cash}). Every call is a SECURITY DEFINER
 * function that checks the caller; refusals arrive as {@link com.careledger.core.db.Refusal}.
 */
@NullMarked
package com.careledger.cash.domain;

import org.jspecify.annotations.NullMarked;
