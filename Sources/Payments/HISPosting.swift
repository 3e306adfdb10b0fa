import Database
import Foundation
import HIS
import HuiminCore
import Insurance
import Logging

/// Posts paid registration fees, clinic bills and deposit top-ups to the HIS (入账) until it answers. The HIS keys
/// each posting on the trade number, so a retry after a lost answer gets the first receipt. A
/// refusal that will not pass (the bill was paid at the window, withdrawn, the patient left)
/// ends the posting and sends the money back through the channel.
extension PaymentService {
    /// The HIS's answers that no retry changes.
    static let hisRefusals: Set<String> = [
        "his_bill_already_paid", "his_bill_cancelled", "his_bill_not_found", "his_amount_mismatch",
        "his_inpatient_discharged", "his_inpatient_not_found", "insurance_not_settled",
    ]

    /// What cashiers and IT staff follow, payments and refunds together, newest first: postings
    /// the HIS has not taken yet (with the last error and the next try), or refused (a payment's
    /// money went back; a refund's payer has the money while the HIS still counts it paid, which
    /// the hospital's cashier must settle by hand).
    public func hisPostings(state: String, hospitalCode: String?) async throws -> [HISPostingItem] {
        guard ["pending", "refused", "posted"].contains(state) else {
            throw AppError.invalid("posting_state_invalid", "state is pending, refused or posted.")
        }
        let payments = try await store.postings(state: state, hospitalCode: hospitalCode)
            .map { ($0.posting.updatedAt, HISPostingItem(posting: $0.posting, order: $0.order)) }
        let refunds = try await store.refundPostings(state: state == "refused" ? "failed" : state, hospitalCode: hospitalCode)
            .map { ($0.posting.updatedAt, HISPostingItem(refundPosting: $0.posting, refund: $0.refund, order: $0.order)) }
        return (payments + refunds).sorted { $0.0 > $1.0 }.map(\.1)
    }

    /// Posts what is due (payments, then refunds of booked payments); returns how many payments
    /// were posted and how many refused.
    func postDue() async throws -> (posted: Int, refused: Int) {
        var counts = (posted: 0, refused: 0)
        for (posting, order) in try await store.duePostings(now: clock.now()) {
            switch try await post(order, attempts: posting.attempts) {
            case .posted: counts.posted += 1
            case .refused: counts.refused += 1
            case .failed: break
            }
        }
        for due in try await store.dueRefundPostings(now: clock.now()) {
            try await postRefund(due)
        }
        return counts
    }

    /// Books a refund of a booked payment in the HIS (trade/refund, idempotent on the refund
    /// number). A refusal (more than the HIS settled) ends it `failed` for a cashier to look at.
    private func postRefund(_ due: PaymentStore.DueRefundPosting) async throws {
        let now = clock.now()
        do {
            let receipt = try await his.postRefund(hospitalCode: due.order.hospitalCode, tradeNo: due.order.tradeNo,
                                                   refundNo: due.refund.refundNo, amountFen: due.refund.amountFen,
                                                   refundedAt: due.refund.succeededAt ?? now)
            try await store.refundPosting(refundID: due.refund.id, state: "posted", receiptNo: receipt.receiptNo, error: nil,
                                          nextAttemptAt: now, now: now)
        } catch let error as AppError where ["his_refund_exceeds", "his_bill_not_found", "his_input_rejected"].contains(error.code) {
            logger.error("HIS refused a refund", metadata: ["refund": "\(due.refund.refundNo)", "code": "\(error.code)"])
            try await store.refundPosting(refundID: due.refund.id, state: "failed", receiptNo: nil, error: error.code,
                                          nextAttemptAt: now, now: now)
        } catch {
            let pause = min(3600, 30 * (1 << min(due.attempts, 7)))
            try await store.refundPosting(refundID: due.refund.id, state: "pending", receiptNo: nil, error: "\(error)",
                                          nextAttemptAt: now.addingTimeInterval(TimeInterval(pause)), now: now)
        }
    }

    enum PostingOutcome { case posted, refused, failed }

    /// One attempt: the receipt recorded, or the refusal turned into a refund, or the next try
    /// scheduled with a growing pause.
    @discardableResult
    func post(_ order: PaymentOrderRow, attempts: Int) async throws -> PostingOutcome {
        let now = clock.now()
        do {
            let receipt = try await sendToHIS(order)
            try await store.posted(orderID: order.id, receiptNo: receipt.receiptNo, settledAt: receipt.settledAt, now: now)
            return .posted
        } catch let error as AppError where Self.hisRefusals.contains(error.code) {
            logger.warning("HIS refused a payment; refunding", metadata: ["trade": "\(order.tradeNo)", "code": "\(error.code)"])
            // The insurance centre failing leaves the bill owed; the HIS refusing it means it is settled elsewhere.
            let billState = error.code.hasPrefix("insurance_") ? "unpaid" : "withdrawn"
            if let (refund, refunded) = try await store.postingRefused(orderID: order.id, code: error.code, billBecomes: billState, now: now) {
                await send(refund, order: refunded)
                await releaseInsurance(of: refunded, refundNo: refund.refundNo)
            }
            return .refused
        } catch {
            let pause = min(3600, 30 * (1 << min(attempts, 7)))
            logger.warning("HIS posting failed", metadata: ["trade": "\(order.tradeNo)", "error": "\(error)"])
            try await store.postingFailed(orderID: order.id, error: "\(error)", nextAttemptAt: now.addingTimeInterval(TimeInterval(pause)),
                                          now: now)
            return .failed
        }
    }

    private func sendToHIS(_ order: PaymentOrderRow) async throws -> HISReceipt {
        let paidAt = order.paidAt ?? order.updatedAt
        if order.businessType == "deposit" {
            guard let deposit = try await store.deposit(orderID: order.id) else { throw AppError.internalError }
            return try await his.topUpDeposit(hospitalCode: order.hospitalCode, HISDepositTopUp(
                admissionNo: deposit.admissionNo, patientID: deposit.patientId, tradeNo: order.tradeNo, channel: order.channel,
                amountFen: order.paidFen, paidAt: paidAt)).receipt
        }
        if order.businessType == "registration" {
            // The fee is the hospital's income, booked in its HIS like any other: otherwise the
            // HIS's settlement file lacks every online registration and the cashier sees HIS漏账.
            let patientID = try await patientCards.patientID(accountID: order.accountId, personID: order.personId,
                                                             hospitalCode: order.hospitalCode)
            return try await his.payRegistration(hospitalCode: order.hospitalCode, bookingID: order.businessRef, patientID: patientID,
                                                 tradeNo: order.tradeNo, channel: order.channel, amountFen: order.paidFen, paidAt: paidAt)
        }
        guard let bill = try await bills.bill(id: order.businessRef) else { throw AppError.internalError }
        var split = try await store.insuranceSplit(orderID: order.id)
        if let pending = split, pending.state != "settled" { split = try await confirmSettled(pending, order: order) }
        return try await his.payBill(hospitalCode: order.hospitalCode, HISBillPayment(
            billNo: bill.billNo, patientID: bill.patientId, tradeNo: order.tradeNo, channel: order.channel, amountFen: order.paidFen,
            insuranceFundFen: split?.fundFen ?? 0, insuranceAccountFen: split?.accountFen ?? 0, paidAt: paidAt))
    }

    /// The insurance parts go to the HIS only once the centre has settled them (its cashier does
    /// once the cash part is paid). Not yet: ask again later; cancelled or failed: the cash goes back.
    private func confirmSettled(_ split: InsuranceSplitRow, order: PaymentOrderRow) async throws -> InsuranceSplitRow {
        guard let insurance else { throw Self.notConfigured("insurance") }
        switch try await insurance.query(payOrderID: split.payOrderId) {
        case .settled(let settlement):
            try await store.insuranceSplit(orderID: order.id, state: "settled", settlementID: settlement.settlementID,
                                           at: settlement.settledAt ?? clock.now(), now: clock.now())
            var settled = split
            settled.state = "settled"
            return settled
        case .pending:
            throw AppError.unavailable("insurance_pending", "The insurance centre has not settled its part yet.")
        case .cancelled, .failed, .refunded:
            try await store.insuranceSplit(orderID: order.id, state: "cancelled", settlementID: nil, now: clock.now())
            throw AppError.conflict("insurance_not_settled", "The insurance centre did not settle its part of this bill.")
        }
    }

    /// After the cash went back: gives the fund and personal-account parts back too, or cancels
    /// an unsettled pre-settlement. A failure is logged for staff; the cash refund stands.
    func releaseInsurance(of order: PaymentOrderRow, refundNo: String) async {
        guard let insurance, let split = try? await store.insuranceSplit(orderID: order.id) else { return }
        do {
            switch split.state {
            case "settled":
                let refund = try await insurance.refund(payOrderID: split.payOrderId, refundNo: refundNo, fundFen: split.fundFen,
                                                        accountFen: split.accountFen)
                try await store.insuranceSplit(orderID: order.id, state: "refunded", settlementID: nil,
                                               at: refund.refundedAt ?? clock.now(), refundNo: refundNo, now: clock.now())
            case "pre_settled":
                try await insurance.cancel(payOrderID: split.payOrderId)
                try await store.insuranceSplit(orderID: order.id, state: "cancelled", settlementID: nil, now: clock.now())
            default:
                break
            }
        } catch {
            logger.error("insurance parts not returned", metadata: ["trade": "\(order.tradeNo)", "error": "\(error)"])
        }
    }
}
