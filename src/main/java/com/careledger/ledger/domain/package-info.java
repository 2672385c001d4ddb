/**
 * The ledger as the portal reads it: account balances, the trial balance and the owner's three questions
 * ({@code app.account_balance}, {@code app.trial_balance}, {@code app.commission_pending},
 * {@code app.held_for_platform}, {@code app.pending_since_last_settlement}). Every call runs with the caller's rights,
 * so row-level security decides which facilities are summed.
 */
@NullMarked
package com.careledger.ledger.domain;

import org.jspecify.annotations.NullMarked;
