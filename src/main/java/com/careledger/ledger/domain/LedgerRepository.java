package com.careledger.ledger.domain;

import static com.careledger.db.app.Tables.COMMISSION_PENDING;
import static com.careledger.db.app.Tables.HELD_FOR_PLATFORM;
import static com.careledger.db.app.Tables.PENDING_SINCE_LAST_SETTLEMENT;
import static com.careledger.db.app.Tables.TRIAL_BALANCE;
import static org.jooq.Records.mapping;

import java.util.List;
import java.util.UUID;

import com.careledger.db.public_.enums.LedgerAccount;
import com.careledger.db.app.Routines;
import com.careledger.db.public_.enums.PaymentGateway;
import org.jooq.DSLContext;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Balances, the trial balance and the owner's three questions. A null facility means every facility the caller
 * administers (the super admin: all, unless a facility is entered); facility admins get their own, others nothing.
 */
@Repository
@Transactional(readOnly = true)
public class LedgerRepository {

    private final DSLContext db;

    public LedgerRepository(DSLContext db) {
        this.db = db;
    }

    /** Balance of an account on its normal side, optionally of one gateway (gateway_clearing[G,F]). */
    public long balance(@Nullable UUID facility, LedgerAccount account, @Nullable PaymentGateway gateway) {
        Long balance = db.select(Routines.accountBalance(facility, account, gateway)).fetchOne(0, Long.class);
        return balance == null ? 0 : balance;
    }

    public record TrialBalanceLine(LedgerAccount account, long debitPaise, long creditPaise, long balancePaise) {
    }

    /** Per account: debits, credits and debit − credit; the balances sum to 0. */
    public List<TrialBalanceLine> trialBalance(@Nullable UUID facility) {
        var t = TRIAL_BALANCE.call(facility);
        return db.select(t.ACCOUNT, t.DEBIT_PAISE, t.CREDIT_PAISE, t.BALANCE_PAISE).from(t)
                .fetch(mapping(TrialBalanceLine::new));
    }

    /** "Kitna commission pending", per facility. */
    public List<OwnerQuestions.CommissionPending> commissionPending(@Nullable UUID facility) {
        var q = COMMISSION_PENDING.call(facility);
        return db.select(q.FACILITY_ID, q.CASH_PAISE, q.CASH_GST_PAISE, q.CASH_RECOVERY_PAISE, q.ONLINE_MARGIN_PAISE,
                        q.TOTAL_PAISE)
                .from(q).fetch(mapping(OwnerQuestions.CommissionPending::new));
    }

    /** "Hospital ke paas kitna payment hold hai jo software ko dena hai", per facility. */
    public List<OwnerQuestions.HeldForPlatform> heldForPlatform(@Nullable UUID facility) {
        var q = HELD_FOR_PLATFORM.call(facility);
        return db.select(q.FACILITY_ID, q.RECEIVABLE_PAISE).from(q).fetch(mapping(OwnerQuestions.HeldForPlatform::new));
    }

    /** "Last settlement se abhi tak ka pending difference", per facility. */
    public List<OwnerQuestions.PendingSinceLastSettlement> pendingSinceLastSettlement(@Nullable UUID facility) {
        var q = PENDING_SINCE_LAST_SETTLEMENT.call(facility);
        return db.select(q.FACILITY_ID, q.LAST_SETTLEMENT_PAID_AT, q.CHANGE_SINCE_PAISE, q.OPEN_NET_PAISE).from(q)
                .fetch(mapping(OwnerQuestions.PendingSinceLastSettlement::new));
    }
}
