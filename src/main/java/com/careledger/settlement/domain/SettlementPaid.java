package com.careledger.settlement.domain;

import java.util.UUID;

/**
 * A settlement was marked paid ({@link SettlementRepository#pay}), posting the ledger entry {@code entry}. Published
 * inside the paying transaction; a {@code @TransactionalEventListener} receives it after the commit, and not at all
 * when the transaction rolls back.
 */
public record SettlementPaid(UUID settlement, UUID entry) {
}
