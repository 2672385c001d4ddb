package com.careledger.payment.domain;

import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import com.careledger.db.app.Routines;
import com.careledger.db.public_.enums.PaymentGateway;
import com.careledger.db.public_.enums.PaymentMethod;
import org.jooq.DSLContext;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Online payments: orders, which staff who may bill create, and what the gateway reports of them (authorizations,
 * failures, captures, refunds), which the database records only for the payment-webhook system principal; and the
 * gateway's settlement batches.
 */
@Repository
@Transactional
public class PaymentRepository {

    private final DSLContext db;

    public PaymentRepository(DSLContext db) {
        this.db = db;
    }

    /**
     * Records the gateway's capture of an order of the current facility, of the order's bill and amount (the payment
     * webhook only); the same gateway payment id again returns it.
     */
    public UUID capture(UUID bill, PaymentGateway gateway, String orderId, String paymentId, PaymentMethod method,
                        long amountPaise) {
        return db.select(Routines.capturePayment(bill, gateway, orderId, paymentId, method, amountPaise))
                .fetchSingle().value1();
    }

    /** Records a gateway's settlement batch over captured payments and refunds (super admin or the payment webhook). */
    public UUID recordGatewaySettlement(PaymentGateway gateway, String utr, LocalDate settledOn, long statedAmountPaise,
                                        List<UUID> payments, List<UUID> refunds) {
        return db.select(Routines.recordGatewaySettlement(gateway, utr, settledOn, statedAmountPaise,
                        payments.toArray(UUID[]::new), refunds.toArray(UUID[]::new)))
                .fetchSingle().value1();
    }

    /** Opens an order at the gateway for an amount of an issued bill, at most what it has outstanding (billing.manage). */
    public UUID createOrder(UUID bill, PaymentGateway gateway, String orderId, long amountPaise) {
        return db.select(Routines.createPaymentOrder(bill, gateway, orderId, amountPaise))
                .fetchSingle().value1();
    }

    /** The gateway authorized a payment of the order (the payment webhook only). */
    public UUID recordAuthorized(PaymentGateway gateway, String orderId, String paymentId, PaymentMethod method) {
        return db.select(Routines.recordPaymentAuthorized(gateway, orderId, paymentId, method))
                .fetchSingle().value1();
    }

    /** The gateway says a payment attempt of the order failed: nothing is booked (the payment webhook only). */
    public UUID recordFailed(PaymentGateway gateway, String orderId, String paymentId, PaymentMethod method, String reason) {
        return db.select(Routines.recordPaymentFailed(gateway, orderId, paymentId, method, reason))
                .fetchSingle().value1();
    }

    /**
     * Records the gateway's refund of part or all of a captured payment (posting 5 of docs/ledger.md; the payment
     * webhook only); the same gateway refund id again returns it.
     */
    public UUID refund(UUID payment, String gatewayRefundId, long amountPaise, String reason) {
        return db.select(Routines.refundPayment(payment, gatewayRefundId, amountPaise, reason))
                .fetchSingle().value1();
    }
}
