/**
 * The ledger as the portal reads it: account balances, the trial balance and the owner's three questions (V0050,
 * V0080). Every call runs with the caller's rights, so row-level security decides which facilities are summed.
 */
@NullMarked
package com.careledger.ledger.domain;

import org.jspecify.annotations.NullMarked;
