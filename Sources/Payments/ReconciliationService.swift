import Database
import Foundation
import HuiminCore
import Reconciliation

/// 三方对账 for cashiers: a business day and merchant, reconciled from the channel's bill
/// (downloaded through the adapter, or a file a cashier uploads in the channel's own format), the
/// HIS settlement file and Huimin's own orders and refunds. Differences keep their resolution
/// across re-runs; a closed day (日结) changes no more.
public struct ReconciliationService: Sendable {
    let store: ReconciliationStore
    let payments: PaymentService
    /// Where uploaded and downloaded files are kept, one folder per merchant and day.
    let directory: URL
    let clock: any HuiminClock

    public init(store: ReconciliationStore, payments: PaymentService, directory: URL, clock: any HuiminClock) {
        self.store = store
        self.payments = payments
        self.directory = directory
        self.clock = clock
    }

    public enum Side: String, Sendable, CaseIterable {
        case channel, his
    }

    // MARK: Files

    /// Checks a file by parsing it (a malformed one is refused with the parser's error and stored
    /// nowhere), then keeps it, named by its SHA-256, written atomically.
    public func upload(day: String, merchantID: String, side: Side, bytes: [UInt8], actor: AuditActor) async throws -> DayView {
        let merchant = try await self.merchant(merchantID, day: day)
        let lines = try Self.lineCount(bytes, side: side, channel: merchant.channel)
        try await keep(bytes, day: day, merchant: merchant, side: side, actor: actor)
        var view = try await self.view(day: day, merchantID: merchantID)
        view.lastUpload = .init(side: side.rawValue, lines: lines, bytes: bytes.count)
        return view
    }

    /// Takes the side's file through its adapter instead of an upload: the channel's bill from
    /// the channel (T+1), the settlement file from the merchant's hospital's HIS. Checked and kept
    /// like an upload.
    public func fetch(day: String, merchantID: String, side: Side, actor: AuditActor) async throws -> DayView {
        let merchant = try await self.merchant(merchantID, day: day)
        let bytes: [UInt8]
        switch side {
        case .channel where merchant.channel == "insurance":
            bytes = try await insuranceStatement(day: day, merchant: merchant)
        case .channel:
            guard let gateway = payments.gateways[merchant.channel] else {
                throw AppError.conflict("channel_bill_unavailable", "Bills of channel \(merchant.channel) cannot be downloaded here; upload it.")
            }
            bytes = try await gateway.tradeBill(day: day)
        case .his:
            bytes = try await payments.his.settlementFile(hospitalCode: merchant.hospitalCode, day: day)
        }
        return try await upload(day: day, merchantID: merchantID, side: side, bytes: bytes, actor: actor)
    }

    func keep(_ bytes: [UInt8], day: String, merchant: MerchantRow, side: Side, actor: AuditActor) async throws {
        let sha = Digest.sha256Hex(bytes)
        let folder = directory.appendingPathComponent(merchant.id).appendingPathComponent(day)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("\(side.rawValue)-\(sha.prefix(16)).bill")
        try AtomicFile.write(bytes, to: file)
        _ = try await store.attachFile(day: day, merchantID: merchant.id, side: side.rawValue, path: file.path, sha256: sha,
                                       actor: actor, now: clock.now())
    }

    /// An insurance merchant's channel is the insurance centre: its file is the centre's daily detail.
    static func lineCount(_ bytes: [UInt8], side: Side, channel: String) throws -> Int {
        if side == .channel, channel == "insurance" { return try InsuranceDetailFile.parse(bytes).lines.count }
        return try parse(bytes, side: side, channel: channel).records.count
    }

    static func parse(_ bytes: [UInt8], side: Side, channel: String) throws -> ParsedBill {
        if side == .his { return try HISSettlementFile.parse(bytes) }
        guard let known = PaymentChannel(rawValue: channel) else {
            throw AppError.rule("bill_format_unsupported", "Bills of channel \(channel) cannot be read yet.")
        }
        return try ParsedBill.channelBill(known, bytes)
    }

    func merchant(_ id: String, day: String) async throws -> MerchantRow {
        guard BusinessCalendar.parse(day) != nil else {
            throw AppError.invalid("day_invalid", "A business day is YYYY-MM-DD.")
        }
        guard let merchant = try await store.merchant(id: id) else {
            throw AppError.notFound("merchant_not_found", "No such merchant.")
        }
        return merchant
    }

    // MARK: Running a day

    /// Reconciles the day. Without an uploaded channel bill, the channel's bill is downloaded
    /// (T+1: WeChat Pay and Alipay make it after 10:00 the next day). The HIS file is required:
    /// without it every payment would show as missing in the HIS. An insurance merchant's day is
    /// the centre's detail against Huimin's insurance splits (`runInsurance`).
    public func run(day: String, merchantID: String, actor: AuditActor) async throws -> RunView {
        let merchant = try await self.merchant(merchantID, day: day)
        var row = try await store.day(day, merchantID: merchantID)
        if row?.state == "closed" { throw AppError.conflict("day_closed", "This day is closed (日结) and changes no more.") }
        if merchant.channel == "insurance" { return try await runInsurance(day: day, merchant: merchant, actor: actor) }
        guard row?.hisFile != nil else {
            throw AppError.conflict("his_file_missing", "Upload the HIS settlement file for this day first.")
        }
        if row?.channelFile == nil {
            guard let gateway = payments.gateways[merchant.channel] else {
                throw AppError.conflict("channel_bill_missing", "Upload the channel's bill for this day first.")
            }
            try await keep(try await gateway.tradeBill(day: day), day: day, merchant: merchant, side: .channel, actor: actor)
            row = try await store.day(day, merchantID: merchantID)
        }
        guard let row, let channelPath = row.channelFile, let hisPath = row.hisFile else { throw AppError.internalError }
        guard let channel = PaymentChannel(rawValue: merchant.channel),
              let previous = BusinessCalendar.adding(days: -1, to: day), let next = BusinessCalendar.adding(days: 1, to: day) else {
            throw AppError.internalError
        }
        let channelBill = try Self.parse(try Self.read(channelPath), side: .channel, channel: merchant.channel).records
        let his = try Self.parse(try Self.read(hisPath), side: .his, channel: merchant.channel).records
        let huimin = try await ledger(merchant: merchant, channel: channel, days: [previous, day, next])
        var neighbours = NeighbourLines(huimin: huimin.neighbours, includesPreviousDay: false, includesNextDay: false)
        for (neighbour, isPrevious) in [(previous, true), (next, false)] {
            guard let other = try await store.day(neighbour, merchantID: merchantID), let otherChannel = other.channelFile else { continue }
            neighbours.channelBill.append(contentsOf: try Self.parse(try Self.read(otherChannel), side: .channel, channel: merchant.channel).records)
            if let otherHIS = other.hisFile {
                neighbours.his.append(contentsOf: try Self.parse(try Self.read(otherHIS), side: .his, channel: merchant.channel).records)
            }
            if isPrevious { neighbours.includesPreviousDay = true } else { neighbours.includesNextDay = true }
        }
        let refused = try await store.hisRefusedTrades(merchantID: merchantID, from: huimin.from, to: huimin.to)
        let result = Reconciler.reconcile(ReconciliationInput(
            day: day, merchant: merchant.merchantNo, channel: channel, huimin: huimin.day, channelBill: channelBill, his: his,
            neighbours: neighbours, hisRefusedTrades: refused))
        return try await save(result, merchantID: merchantID, actor: actor)
    }

    /// Stores a run's differences and summary (keeping resolutions) and tells what changed.
    func save(_ result: ReconciliationResult, merchantID: String, actor: AuditActor) async throws -> RunView {
        let day = result.day
        let now = clock.now()
        // The store sets each row's day ID.
        let rows = result.differences.map { d in
            ReconDifferenceRow(reconDayId: "", id: d.id, kind: d.kind.rawValue, movement: d.movement.rawValue, tradeNo: d.tradeNo,
                               refundNo: d.refundNo, amountFen: d.amountFen, huiminFen: d.amounts.huiminFen,
                               channelFen: d.amounts.channelFen, hisFen: d.amounts.hisFen, detail: d.detail,
                               proposedAction: d.proposedAction.rawValue, settlementId: d.settlementId, part: d.part?.rawValue,
                               now: now)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let summary = String(decoding: try encoder.encode(result.summary), as: UTF8.self)
        let saved = try await store.saveRun(day: day, merchantID: merchantID, summaryJSON: summary, differences: rows, actor: actor, now: now)
        return RunView(day: try await view(day: day, merchantID: merchantID), found: result.differences.count,
                       new: saved.counts.new, stillOpen: saved.counts.stillOpen, resolvedKept: saved.counts.resolvedKept,
                       gone: saved.counts.gone, crossDayMatches: result.crossDayMatches.count, pending: result.pending.count)
    }

    static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AppError.unavailable("bill_file_missing", "A stored bill file cannot be read; upload it again.")
        }
        return Array(data)
    }

    /// Huimin's own payments and refunds of the three days, split into the day and its neighbours.
    private func ledger(merchant: MerchantRow, channel: PaymentChannel,
                        days: [String]) async throws -> (day: RecordBatch, neighbours: RecordBatch, from: Date, to: Date) {
        guard let from = BusinessCalendar.instant(day: days[0], minutes: 0), let last = BusinessCalendar.adding(days: 1, to: days[2]),
              let to = BusinessCalendar.instant(day: last, minutes: 0) else { throw AppError.internalError }
        var day = RecordBatch(side: .huimin), neighbours = RecordBatch(side: .huimin)
        for line in try await store.ledger(merchantID: merchant.id, from: from, to: to) {
            let record = ReconciliationRecord(kind: line.isRefund ? .refund : .payment, tradeNo: line.tradeNo, refundNo: line.refundNo,
                                              sourceId: line.orderID, businessRef: line.businessRef, amountFen: line.amountFen,
                                              date: line.at, merchant: merchant.merchantNo, channel: channel)
            if record.day == days[1] { try day.append(record) } else { try neighbours.append(record) }
        }
        return (day, neighbours, from, to)
    }
}
