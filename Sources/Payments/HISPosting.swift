import Database
import Foundation
import HIS
import HuiminCore
import Logging

/// Posts paid clinic bills and deposit top-ups to the HIS (入账) until it answers. The HIS keys
/// each posting on the trade number, so a retry after a lost answer gets the first receipt. A
/// refusal that will not pass (the bill was paid at the window, withdrawn, the patient left)
/// ends the posting and sends the money back through the channel.
extension PaymentService {
    /// The HIS's answers that no retry changes.
    static let hisRefusals: Set<String> = [
        "his_bill_already_paid", "his_bill_cancelled", "his_bill_not_found", "his_amount_mismatch",
        "his_inpatient_discharged", "his_inpatient_not_found",
    ]

    /// Posts what is due; returns how many were posted and how many refused.
    func postDue() async throws -> (posted: Int, refused: Int) {
        var counts = (posted: 0, refused: 0)
        for (posting, order) in try await store.duePostings(now: clock.now()) {
            switch try await post(order, attempts: posting.attempts) {
            case .posted: counts.posted += 1
            case .refused: counts.refused += 1
            case .failed: break
            }
        }
        return counts
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
            if let (refund, refunded) = try await store.postingRefused(orderID: order.id, code: error.code, now: now) {
                await send(refund, order: refunded)
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
        guard let bill = try await bills.bill(id: order.businessRef) else { throw AppError.internalError }
        return try await his.payBill(hospitalCode: order.hospitalCode, HISBillPayment(
            billNo: bill.billNo, patientID: bill.patientId, tradeNo: order.tradeNo, channel: order.channel, amountFen: order.paidFen,
            insuranceFundFen: 0, insuranceAccountFen: 0, paidAt: paidAt))
    }
}
