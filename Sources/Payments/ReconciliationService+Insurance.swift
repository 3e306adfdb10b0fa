import Database
import Foundation
import HuiminCore
import Insurance
import Reconciliation

/// 医保对明细账: an insurance merchant's day (its channel is the insurance centre, its merchant
/// number the hospital's 定点医药机构编码) is the centre's daily detail matched with Huimin's
/// insurance splits by settlement ID, part by part. The cash part is also reconciled in the day of
/// the channel that took it (WeChat Pay, Alipay) against its bill and the HIS; fund and personal
/// account money moves only between the centre and the hospital, so this is where it is checked.
extension ReconciliationService {
    static let insuranceUnavailable = AppError.conflict(
        "insurance_statement_unavailable", "The insurance centre is not configured here; upload its daily detail instead.")

    /// The centre's detail of the day through the Insurance client (3202). The file must add up to
    /// the totals the centre stated beside it, or it is not kept.
    func insuranceStatement(day: String, merchant: MerchantRow) async throws -> [UInt8] {
        guard let insurance = payments.insurance else { throw Self.insuranceUnavailable }
        let statement = try await insurance.statement(day: day, hospitalCode: merchant.merchantNo)
        let parsed = try InsuranceDetailFile.parse(statement.file)
        let t = parsed.totals
        let stated = [Int64(statement.count), statement.totalFen, statement.fundFen, statement.accountFen, statement.cashFen]
        let computed = [Int64(parsed.lines.count), t.totalFen - t.refundFundFen - t.refundAccountFen - t.refundCashFen,
                        t.fundFen - t.refundFundFen, t.accountFen - t.refundAccountFen, t.cashFen - t.refundCashFen]
        guard stated == computed else {
            throw AppError.upstream("insurance_statement_inconsistent",
                                    "The insurance centre's detail does not add up to the totals it stated (\(stated) vs \(computed)).")
        }
        return statement.file
    }

    /// Runs an insurance day. Without a stored detail, the centre's is fetched first. No HIS file
    /// is needed: the HIS's settlement file carries the cash part only.
    func runInsurance(day: String, merchant: MerchantRow, actor: AuditActor) async throws -> RunView {
        var row = try await store.day(day, merchantID: merchant.id)
        if row?.channelFile == nil {
            try await keep(try await insuranceStatement(day: day, merchant: merchant), day: day, merchant: merchant, side: .channel,
                           actor: actor)
            row = try await store.day(day, merchantID: merchant.id)
        }
        guard let path = row?.channelFile, let previous = BusinessCalendar.adding(days: -1, to: day),
              let after = BusinessCalendar.adding(days: 2, to: day), let from = BusinessCalendar.instant(day: previous, minutes: 0),
              let to = BusinessCalendar.instant(day: after, minutes: 0) else { throw AppError.internalError }
        let centre = try InsuranceDetailFile.parse(try Self.read(path)).lines
        let named = Array(Set(centre.map(\.payOrderID).filter { !$0.isEmpty }))
        let huimin = try await store.insuranceLedger(hospitalCode: merchant.hospitalCode, from: from, to: to, payOrderIDs: named)
            .map(Self.insuranceOrder)
        let result = InsuranceReconciler.reconcile(InsuranceReconciliationInput(
            day: day, merchant: merchant.merchantNo, centre: centre, huimin: huimin))
        return try await save(result, merchantID: merchant.id, actor: actor)
    }

    static func insuranceOrder(_ line: ReconciliationStore.InsuranceLedgerLine) -> InsuranceOrder {
        let epoch = { (date: Date?) in date.map { Int64($0.timeIntervalSince1970.rounded(.down)) } }
        return InsuranceOrder(payOrderID: line.payOrderId, tradeNo: line.tradeNo, state: InsuranceOrder.State(rawValue: line.state) ?? .preSettled,
                              settlementID: line.settlementId, fundFen: line.fundFen, accountFen: line.accountFen, cashFen: line.cashFen,
                              settledAt: epoch(line.settledAt), refundNo: line.refundNo, refundedAt: epoch(line.refundedAt))
    }
}
