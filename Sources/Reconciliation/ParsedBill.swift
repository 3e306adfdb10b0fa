import HuiminCore

/// Counts and amounts of a file's lines, computed from the lines themselves.
public struct BillTotals: Codable, Sendable, Equatable {
    public var paymentCount = 0
    public var paymentFen: Int64 = 0
    public var refundCount = 0
    public var refundFen: Int64 = 0
    public var feeFen: Int64 = 0

    public init() {}

    mutating func add(kind: UInt8, amount: Int64, fee: Int64) {
        if kind == 0 { paymentCount += 1; paymentFen += amount } else { refundCount += 1; refundFen += amount }
        feeFen += fee
    }
}

/// A parsed bill or settlement file: its lines on one side, the encoding it was read in, and
/// the totals of its lines.
public struct ParsedBill: Sendable {
    public var records: RecordBatch
    public var encoding: TextEncoding
    public var totals: BillTotals
    /// The bill's own account / merchant when the file states it (WeChat 商户号, Alipay 账号).
    public var merchant: String?
    /// The clearing date (`YYYY-MM-DD`) of a file that covers one (UnionPay: 23:00 the day before
    /// to 23:00), when it differs from the calendar days of its lines.
    public var clearingDay: String? = nil
}

extension ParsedBill {
    /// A channel's own bill, in that channel's format (the insurance centre's detail is matched
    /// part by part elsewhere).
    public static func channelBill(_ channel: PaymentChannel, _ bytes: [UInt8]) throws -> ParsedBill {
        switch channel {
        case .wechat: return try WeChatTradeBill.parse(bytes)
        case .alipay: return try AlipayTradeBill.parse(bytes)
        case .unionpay: return try UnionPayBill.parse(bytes)
        case .insurance: throw AppError.rule("bill_format_unsupported", "The insurance centre's detail is not a channel bill.")
        }
    }
}

/// Column lookup by header name.
struct HeaderMap {
    let names: [String]
    let index: [String: Int]

    init(_ names: [String]) {
        self.names = names
        var index: [String: Int] = [:]
        for (i, n) in names.enumerated() where index[n] == nil { index[n] = i }
        self.index = index
    }

    subscript(_ name: String) -> Int? { index[name] }

    func require(_ file: String, _ wanted: [String]) throws -> [Int] {
        let missing = wanted.filter { index[$0] == nil }
        guard missing.isEmpty else { throw BillError.headerMissing(file, missing) }
        return wanted.map { index[$0]! }
    }

    /// Splits a decoded header line into normalised names: no BOM, backticks, quotes, spaces or
    /// tabs, half-width parentheses.
    static func names(_ line: String, separator: Character = ",") -> [String] {
        line.split(separator: separator, omittingEmptySubsequences: false).map { raw in
            var s = String(raw)
            s = s.replacingOccurrences(of: "\u{FEFF}", with: "")
            s = s.replacingOccurrences(of: "（", with: "(").replacingOccurrences(of: "）", with: ")")
            return s.trimmingCharacters(in: CharacterSet(charactersIn: " \t\"`"))
        }
    }
}

/// Rounds thousandths of a fen to fen, half away from zero (so a refund's returned fee mirrors
/// the payment's).
@inline(__always)
func roundMilliFen(_ v: Int64) -> Int64 {
    v >= 0 ? (v + 500) / 1000 : -((-v + 500) / 1000)
}

import Foundation
