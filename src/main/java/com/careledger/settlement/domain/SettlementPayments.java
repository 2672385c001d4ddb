package com.careledger.settlement.domain;

import java.util.UUID;

import com.careledger.reporting.domain.ReportRefresh;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Paying a settlement, then refreshing the reports once the payment has committed (docs/reporting.md, "Refresh"). */
@Service
public class SettlementPayments {

    private final SettlementRepository settlements;
    private final ReportRefresh reports;

    SettlementPayments(SettlementRepository settlements, ReportRefresh reports) {
        this.settlements = settlements;
        this.reports = reports;
    }

    /** Marks the approved settlement paid (posting 4); the dashboards refresh after the commit, not before. */
    @Transactional
    public UUID pay(UUID settlement, String bankReference) {
        UUID entry = settlements.pay(settlement, bankReference);
        reports.refreshAfterCommit();
        return entry;
    }
}
