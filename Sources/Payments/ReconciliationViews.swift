import Database
import Foundation
import HuiminCore
import Reconciliation

/// A reconciliation day as a cashier sees it.
public struct DayView: Codable, Sendable {
    public var day: String
    public var merchantId: String
    public var merchantNo: String
    public var channel: String
    public var state: String
    public var channelFileSha256: String?
    public var hisFileSha256: String?
    public var runs: Int
    public var lastRunAt: String?
    public var closedAt: String?
    public var closedBy: String?
    public var openDifferences: Int
    /// The last run's totals per side, matches and differences by kind: ready for charts.
    public var summary: ReconciliationSummary?
    public var lastUpload: Upload?

    public struct Upload: Codable, Sendable {
        public var side: String
        public var lines: Int
        public var bytes: Int
    }
}

public struct RunView: Codable, Sendable {
    public var day: DayView
    public var found: Int
    public var new: Int
    public var stillOpen: Int
    public var resolvedKept: Int
    public var gone: Int
    public var crossDayMatches: Int
    public var pending: Int
}

public struct DifferenceView: Codable, Sendable {
    public var id: String
    public var kind: String
    /// 长款, 短款, …
    public var kindName: String
    public var movement: String
    public var tradeNo: String
    public var refundNo: String?
    public var amountFen: Int64
    public var huiminFen: Int64?
    public var channelFen: Int64?
    public var hisFen: Int64?
    public var detail: String
    public var proposedAction: String
    public var state: String
    public var resolution: String?
    public var note: String?
    public var resolvedBy: String?
    public var resolvedAt: String?
    /// Insurance days: the centre's settlement ID, and the part (fund, account, cash) of an amount mismatch.
    public var settlementId: String?
    public var part: String?

    init(_ row: ReconDifferenceRow) {
        id = row.id
        kind = row.kind
        kindName = DifferenceKind(rawValue: row.kind)?.chineseName ?? row.kind
        movement = row.movement
        tradeNo = row.tradeNo
        refundNo = row.refundNo
        amountFen = row.amountFen
        huiminFen = row.huiminFen
        channelFen = row.channelFen
        hisFen = row.hisFen
        detail = row.detail
        proposedAction = row.proposedAction
        state = row.state
        resolution = row.resolution
        note = row.note
        resolvedBy = row.resolvedBy
        resolvedAt = row.resolvedAt.map(ISO8601.string)
        settlementId = row.settlementId
        part = row.part
    }
}

extension ReconciliationService {
    public func view(day: String, merchantID: String) async throws -> DayView {
        guard let merchant = try await store.merchant(id: merchantID) else {
            throw AppError.notFound("merchant_not_found", "No such merchant.")
        }
        let row = try await store.day(day, merchantID: merchantID)
        var open = 0
        if let row { open = try await store.differences(dayID: row.id, kind: nil, state: "open").count }
        return DayView(day: day, merchantId: merchantID, merchantNo: merchant.merchantNo, channel: merchant.channel,
                       state: row?.state ?? "open", channelFileSha256: row?.channelFileSha256, hisFileSha256: row?.hisFileSha256,
                       runs: row?.runs ?? 0, lastRunAt: row?.lastRunAt.map(ISO8601.string), closedAt: row?.closedAt.map(ISO8601.string),
                       closedBy: row?.closedBy, openDifferences: open,
                       summary: try row?.summary.map { try JSONDecoder().decode(ReconciliationSummary.self, from: Data($0.utf8)) },
                       lastUpload: nil)
    }

    static let states: Set<String> = ["open", "resolved", "gone"]

    public func differences(day: String, merchantID: String, kind: String?, state: String?) async throws -> [DifferenceView] {
        if let kind, DifferenceKind(rawValue: kind) == nil {
            throw AppError.invalid("difference_kind_invalid",
                                   "kind is one of \(DifferenceKind.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        if let state, !Self.states.contains(state) {
            throw AppError.invalid("difference_state_invalid", "state is open, resolved or gone.")
        }
        guard let row = try await store.day(day, merchantID: merchantID) else { return [] }
        return try await store.differences(dayID: row.id, kind: kind, state: state).map(DifferenceView.init)
    }

    /// The differences as CSV for a spreadsheet: UTF-8 with a byte-order mark so Excel shows the
    /// Chinese right, amounts in fen.
    public func differencesCSV(day: String, merchantID: String) async throws -> [UInt8] {
        var text = "\u{FEFF}id,kind,kind_name,movement,trade_no,refund_no,amount_fen,huimin_fen,channel_fen,his_fen,proposed_action,state,"
            + "resolution,note,resolved_by,resolved_at,settlement_id,part,detail\r\n"
        func cell(_ value: String?) -> String {
            guard let value, !value.isEmpty else { return "" }
            // A leading =, +, - or @ would run as a formula in a spreadsheet.
            let safe = value.first.map { "=+-@".contains($0) } == true ? "'" + value : value
            return safe.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + safe.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : safe
        }
        for d in try await differences(day: day, merchantID: merchantID, kind: nil, state: nil) {
            let fields: [String?] = [d.id, d.kind, d.kindName, d.movement, d.tradeNo, d.refundNo, "\(d.amountFen)", d.huiminFen.map { "\($0)" },
                                     d.channelFen.map { "\($0)" }, d.hisFen.map { "\($0)" }, d.proposedAction, d.state, d.resolution,
                                     d.note, d.resolvedBy, d.resolvedAt, d.settlementId, d.part, d.detail]
            text += fields.map(cell).joined(separator: ",") + "\r\n"
        }
        return Array(text.utf8)
    }

    /// A cashier resolves a difference with one of the actions (the proposed one or another) and
    /// a note; audited.
    public func resolve(day: String, merchantID: String, differenceID: String, action: String, note: String,
                        actor: AuditActor) async throws -> DifferenceView {
        guard ProposedAction(rawValue: action) != nil else {
            throw AppError.invalid("resolution_invalid",
                                   "action is one of \(ProposedAction.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        let trimmed = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(trimmed.count) else {
            throw AppError.invalid("note_invalid", "Write a note of 1 to 200 characters: what was done and why.")
        }
        guard let row = try await store.day(day, merchantID: merchantID) else {
            throw AppError.notFound("difference_not_found", "No such difference on this day.")
        }
        return DifferenceView(try await store.resolve(dayID: row.id, differenceID: differenceID, resolution: action, note: trimmed,
                                                      actor: actor, now: clock.now()))
    }

    /// 日结.
    public func close(day: String, merchantID: String, actor: AuditActor) async throws -> DayView {
        guard let row = try await store.day(day, merchantID: merchantID) else {
            throw AppError.conflict("day_not_reconciled", "Run the day's reconciliation before closing it.")
        }
        _ = try await store.close(dayID: row.id, actor: actor, now: clock.now())
        return try await view(day: day, merchantID: merchantID)
    }

    /// Every reconciled day and merchant in a range, with its summary: amounts, counts, refunds
    /// and fees per channel and day, for charts.
    public func summaries(from: String, to: String) async throws -> [DayView] {
        guard let first = BusinessCalendar.parse(from).map({ _ in from }), BusinessCalendar.parse(to) != nil, first <= to,
              let span = BusinessCalendar.daysBetween(from, to), span <= 366 else {
            throw AppError.invalid("range_invalid", "from and to are YYYY-MM-DD days, from before to, at most a year apart.")
        }
        var views: [DayView] = []
        for row in try await store.days(from: from, to: to) {
            views.append(try await view(day: row.day, merchantID: row.merchantId))
        }
        return views
    }
}
