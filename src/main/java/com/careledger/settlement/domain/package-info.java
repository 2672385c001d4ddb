/**
 * Settlements between the platform and each facility as the portal calls them (R__0010_settlements.sql): drafts,
 * allocations, the facility admin's acknowledgement, the super admin's approval and payment. Refusals arrive as
 * {@link com.careledger.core.db.Refusal}.
 */
@NullMarked
package com.careledger.settlement.domain;

import org.jspecify.annotations.NullMarked;
