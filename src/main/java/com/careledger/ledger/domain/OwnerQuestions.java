package com.careledger.ledger.domain;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * The answers to the owner's three questions (docs/ledger.md, "What the owner's three questions mean"), per facility,
 * in paise.
 */
public final class OwnerQuestions {

    private OwnerQuestions() {
    }

    /**
     * "Kitna commission pending": cash owed on facility_receivable (of it, the GST on cash commission and the
     * recoveries of refunds) and the online margin on captures the gateway has not settled yet.
     */
    public record CommissionPending(UUID facilityId, long cashPaise, long cashGstPaise, long cashRecoveryPaise,
                                    long onlineMarginPaise, long totalPaise) {

        /** The rows summed, for the platform (facility id of the first row, or a nil id when empty). */
        public static CommissionPending total(List<CommissionPending> rows) {
            return new CommissionPending(new UUID(0, 0),
                    rows.stream().mapToLong(CommissionPending::cashPaise).sum(),
                    rows.stream().mapToLong(CommissionPending::cashGstPaise).sum(),
                    rows.stream().mapToLong(CommissionPending::cashRecoveryPaise).sum(),
                    rows.stream().mapToLong(CommissionPending::onlineMarginPaise).sum(),
                    rows.stream().mapToLong(CommissionPending::totalPaise).sum());
        }
    }

    /** "Hospital ke paas kitna payment hold hai jo software ko dena hai": the facility_receivable balance. */
    public record HeldForPlatform(UUID facilityId, long receivablePaise) {
    }

    /**
     * "Last settlement se abhi tak ka pending difference": the change of the net position (payable − receivable)
     * since the last paid settlement, and the open net position now (positive: the platform owes the facility).
     */
    public record PendingSinceLastSettlement(UUID facilityId, @Nullable OffsetDateTime lastSettlementPaidAt,
                                             long changeSincePaise, long openNetPaise) {
    }
}
