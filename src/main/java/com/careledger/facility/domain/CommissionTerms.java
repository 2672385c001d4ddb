package com.careledger.facility.domain;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;

import com.careledger.db.public_.enums.CashCommissionType;
import com.careledger.db.public_.enums.PaymentMethod;
import com.careledger.db.public_.enums.SettlementCycle;
import org.jspecify.annotations.Nullable;

/**
 * The configuration version of a facility in force now, as its admin and the super admin read it: what
 * the platform charges on online payments (per method) and on cash, and how it settles.
 */
public record CommissionTerms(OffsetDateTime effectiveFrom, BigDecimal gstRate, boolean cashCommissionApplies,
                              CashCommissionType cashCommissionType, @Nullable BigDecimal cashCommissionRate,
                              @Nullable Long cashCommissionFixedPaise, boolean gstOnCashCommission,
                              SettlementCycle settlementCycle, long minimumPayoutPaise, boolean nettingAllowed,
                              List<MethodRate> rates) {

    /** Gateway and platform MDR of one payment method; the platform's margin is their difference. */
    public record MethodRate(PaymentMethod method, BigDecimal gatewayMdr, BigDecimal platformMdr) {
    }
}
