import Foundation
import HuiminCore

// MARK: - The vocabulary

/// Which of the three parties a line comes from.
public enum ReconciliationSide: String, Codable, Sendable, CaseIterable, Comparable {
    case huimin, channel, his

    public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }
    var rank: Int { switch self { case .huimin: 0; case .channel: 1; case .his: 2 } }
}

/// A line is one money movement: a payment or a refund.
public enum MovementKind: String, Codable, Sendable, CaseIterable {
    case payment, refund

    var code: UInt8 { self == .payment ? 0 : 1 }
    init(code: UInt8) { self = code == 0 ? .payment : .refund }
}

/// The payment channel a line went through.
public enum PaymentChannel: String, Codable, Sendable, CaseIterable {
    case wechat, alipay, unionpay, insurance

    var code: UInt8 {
        switch self { case .wechat: 0; case .alipay: 1; case .unionpay: 2; case .insurance: 3 }
    }
    init(code: UInt8) { self = Self.allCases[Int(code)] }
}

/// The state of a movement as its side reports it, normalised across sides:
/// `success` money moved (a paid order, a SUCCESS bill row, a HIS settlement, a completed refund);
/// `pending` in flight (paying, refund PROCESSING); `closed` an order that was never paid;
/// `revoked` a payment the channel reversed (WeChat REVOKED); `failed` a refused payment or refund.
public enum RecordStatus: String, Codable, Sendable, CaseIterable {
    case success, pending, closed, revoked, failed

    var code: UInt8 {
        switch self { case .success: 0; case .pending: 1; case .closed: 2; case .revoked: 3; case .failed: 4 }
    }
    init(code: UInt8) { self = Self.allCases[Int(code)] }
}

/// One normalised line, as plain values. Convenient for building Huimin's side from orders and
/// for reading a few lines back; a `RecordBatch` stores a million of them without a String each.
public struct ReconciliationRecord: Sendable, Equatable, Codable {
    public var kind: MovementKind
    /// Huimin's `out_trade_no` (at most 64 bytes; Huimin's own are 23).
    public var tradeNo: String
    /// `out_refund_no` / `out_request_no` for refunds, empty for payments.
    public var refundNo: String
    /// The other party's own id: the channel's transaction id, the HIS serial, Huimin's order id.
    public var sourceId: String
    /// The business reference (HIS bill / registration id) the payment is for, if known. Two
    /// successful payments with the same reference are a duplicate payment.
    public var businessRef: String
    public var amountFen: Int64
    /// Channel fee in fen (refund rows carry the returned fee as a negative number).
    public var feeFen: Int64
    public var status: RecordStatus
    /// Epoch seconds (UTC) of the movement: success time, refund acceptance time, HIS settlement.
    public var time: Int64
    /// The Asia/Shanghai business day `YYYY-MM-DD` the line belongs to.
    public var day: String
    public var merchant: String
    public var channel: PaymentChannel
    /// 1-based line in the source file, 0 when the line did not come from a file.
    public var line: Int

    public init(kind: MovementKind, tradeNo: String, refundNo: String = "", sourceId: String = "",
                businessRef: String = "", amountFen: Int64, feeFen: Int64 = 0, status: RecordStatus = .success,
                time: Int64, day: String? = nil, merchant: String = "", channel: PaymentChannel, line: Int = 0) {
        self.kind = kind; self.tradeNo = tradeNo; self.refundNo = refundNo; self.sourceId = sourceId
        self.businessRef = businessRef; self.amountFen = amountFen; self.feeFen = feeFen; self.status = status
        self.time = time; self.day = day ?? DayNumber.string(DayNumber.of(epochSeconds: time))
        self.merchant = merchant; self.channel = channel; self.line = line
    }

    public init(kind: MovementKind, tradeNo: String, refundNo: String = "", sourceId: String = "",
                businessRef: String = "", amountFen: Int64, feeFen: Int64 = 0, status: RecordStatus = .success,
                date: Date, merchant: String = "", channel: PaymentChannel, line: Int = 0) {
        self.init(kind: kind, tradeNo: tradeNo, refundNo: refundNo, sourceId: sourceId, businessRef: businessRef,
                  amountFen: amountFen, feeFen: feeFen, status: status,
                  time: Int64(date.timeIntervalSince1970.rounded(.down)), merchant: merchant, channel: channel, line: line)
    }

    public var date: Date { Date(timeIntervalSince1970: TimeInterval(time)) }
}

// MARK: - Compact storage

/// A reference to bytes in a batch's arena: offset << 8 | length (0 = empty).
typealias ByteRef = UInt64

/// The lines of one side, stored column by column with all text in one byte arena: about 70
/// bytes a line plus the text itself, no object or String per line. Parsers fill it straight from
/// file bytes; `append(_:)` takes a `ReconciliationRecord`; `self[i]` reads one back.
public struct RecordBatch: Sendable {
    public let side: ReconciliationSide
    var kinds: [UInt8] = []
    var statuses: [UInt8] = []
    var channels: [UInt8] = []
    var merchants: [UInt16] = []
    var tradeNos: [ByteRef] = []
    var refundNos: [ByteRef] = []
    var sourceIds: [ByteRef] = []
    var businessRefs: [ByteRef] = []
    var amounts: [Int64] = []
    var fees: [Int64] = []
    var times: [Int64] = []
    var days: [Int32] = []
    var lines: [UInt32] = []
    var arena: [UInt8] = [0]  // offset 0 is never a real value, so ref 0 means empty
    var merchantNames: [String] = []
    var merchantIndex: [String: UInt16] = [:]

    /// Longest text a field may hold.
    public static let maxFieldBytes = 64

    public init(side: ReconciliationSide) { self.side = side }

    public init(side: ReconciliationSide, records: [ReconciliationRecord]) throws {
        self.side = side
        reserveCapacity(records.count)
        for record in records { try append(record) }
    }

    public var count: Int { kinds.count }
    public var isEmpty: Bool { kinds.isEmpty }

    public mutating func reserveCapacity(_ n: Int, textBytes: Int? = nil) {
        kinds.reserveCapacity(n); statuses.reserveCapacity(n); channels.reserveCapacity(n)
        merchants.reserveCapacity(n); tradeNos.reserveCapacity(n); refundNos.reserveCapacity(n)
        sourceIds.reserveCapacity(n); businessRefs.reserveCapacity(n); amounts.reserveCapacity(n)
        fees.reserveCapacity(n); times.reserveCapacity(n); days.reserveCapacity(n); lines.reserveCapacity(n)
        arena.reserveCapacity(textBytes ?? n * 56)
    }

    /// Adds a line. Throws `record_field_too_long` when a text field is over 64 bytes.
    public mutating func append(_ r: ReconciliationRecord) throws {
        guard let dayNumber = DayNumber.parse(r.day) else {
            throw AppError.invalid("record_day_invalid", "Business day \(r.day) is not a YYYY-MM-DD day.")
        }
        for (name, value) in [("tradeNo", r.tradeNo), ("refundNo", r.refundNo), ("sourceId", r.sourceId),
                              ("businessRef", r.businessRef)] where value.utf8.count > Self.maxFieldBytes {
            throw AppError.invalid("record_field_too_long", "\(name) is longer than \(Self.maxFieldBytes) bytes.")
        }
        appendRaw(kind: r.kind.code, status: r.status.code, channel: r.channel.code,
                  merchant: internMerchant(r.merchant),
                  tradeNo: store(r.tradeNo), refundNo: store(r.refundNo), sourceId: store(r.sourceId),
                  businessRef: store(r.businessRef), amount: r.amountFen, fee: r.feeFen, time: r.time,
                  day: dayNumber, line: UInt32(clamping: r.line))
    }

    /// Appends the lines of another batch of the same side.
    public mutating func append(contentsOf other: RecordBatch) {
        for i in 0..<other.count {
            appendRaw(kind: other.kinds[i], status: other.statuses[i], channel: other.channels[i],
                      merchant: internMerchant(other.merchantNames[Int(other.merchants[i])]),
                      tradeNo: store(other.bytes(other.tradeNos[i])), refundNo: store(other.bytes(other.refundNos[i])),
                      sourceId: store(other.bytes(other.sourceIds[i])),
                      businessRef: store(other.bytes(other.businessRefs[i])),
                      amount: other.amounts[i], fee: other.fees[i], time: other.times[i], day: other.days[i],
                      line: other.lines[i])
        }
    }

    public subscript(i: Int) -> ReconciliationRecord {
        var r = ReconciliationRecord(kind: MovementKind(code: kinds[i]), tradeNo: string(tradeNos[i]),
                                     refundNo: string(refundNos[i]), sourceId: string(sourceIds[i]),
                                     businessRef: string(businessRefs[i]), amountFen: amounts[i], feeFen: fees[i],
                                     status: RecordStatus(code: statuses[i]), time: times[i],
                                     day: DayNumber.string(days[i]), merchant: merchantNames[Int(merchants[i])],
                                     channel: PaymentChannel(code: channels[i]), line: Int(lines[i]))
        r.line = Int(lines[i])
        return r
    }

    public var records: [ReconciliationRecord] { (0..<count).map { self[$0] } }

    // MARK: internals

    @inline(__always)
    mutating func appendRaw(kind: UInt8, status: UInt8, channel: UInt8, merchant: UInt16, tradeNo: ByteRef,
                            refundNo: ByteRef, sourceId: ByteRef, businessRef: ByteRef, amount: Int64, fee: Int64,
                            time: Int64, day: Int32, line: UInt32) {
        kinds.append(kind); statuses.append(status); channels.append(channel); merchants.append(merchant)
        tradeNos.append(tradeNo); refundNos.append(refundNo); sourceIds.append(sourceId)
        businessRefs.append(businessRef); amounts.append(amount); fees.append(fee); times.append(time)
        days.append(day); lines.append(line)
    }

    mutating func internMerchant(_ name: String) -> UInt16 {
        if let i = merchantIndex[name] { return i }
        let i = UInt16(merchantNames.count)
        merchantNames.append(name); merchantIndex[name] = i
        return i
    }

    /// Interns a merchant given as bytes (parsers); small files have one or two merchants.
    mutating func internMerchant(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt16 {
        internMerchant(String(decoding: bytes, as: UTF8.self))
    }

    mutating func store(_ s: String) -> ByteRef {
        var s = s
        return s.withUTF8 { store($0) }
    }

    mutating func store(_ bytes: UnsafeBufferPointer<UInt8>) -> ByteRef {
        if bytes.isEmpty { return 0 }
        let offset = UInt64(arena.count)
        arena.append(contentsOf: bytes)
        return offset << 8 | UInt64(min(bytes.count, 255))
    }

    mutating func store(_ bytes: [UInt8]) -> ByteRef { bytes.withUnsafeBufferPointer { store($0) } }

    func bytes(_ ref: ByteRef) -> [UInt8] {
        let (o, n) = (Int(ref >> 8), Int(ref & 0xFF))
        return Array(arena[o..<o + n])
    }

    func string(_ ref: ByteRef) -> String {
        if ref == 0 { return "" }
        let (o, n) = (Int(ref >> 8), Int(ref & 0xFF))
        return arena.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[o..<o + n]), as: UTF8.self) }
    }

    @inline(__always)
    func hash(_ ref: ByteRef, seed: UInt64) -> UInt64 {
        let (o, n) = (Int(ref >> 8), Int(ref & 0xFF))
        return arena.withUnsafeBufferPointer { Hashing.fnv1a(UnsafeBufferPointer(rebasing: $0[o..<o + n]), seed: seed) }
    }

    @inline(__always)
    static func equal(_ a: RecordBatch, _ ra: ByteRef, _ b: RecordBatch, _ rb: ByteRef) -> Bool {
        let n = Int(ra & 0xFF)
        guard n == Int(rb & 0xFF) else { return false }
        if n == 0 { return true }
        let (oa, ob) = (Int(ra >> 8), Int(rb >> 8))
        return a.arena.withUnsafeBufferPointer { pa in
            b.arena.withUnsafeBufferPointer { pb in memcmp(pa.baseAddress! + oa, pb.baseAddress! + ob, n) == 0 }
        }
    }
}

// MARK: - Helpers

enum Hashing {
    @inline(__always)
    static func fnv1a(_ bytes: UnsafeBufferPointer<UInt8>, seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
        var h = seed
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    static func fnv1a(_ text: String) -> UInt64 {
        var t = text
        return t.withUTF8 { fnv1a($0) }
    }

    /// A final mix so that table slots use all bits.
    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

/// Asia/Shanghai business days as day numbers (days since 1970-01-01), UTC+8 without DST.
public enum DayNumber {
    static let offset: Int64 = 8 * 3600

    @inline(__always)
    public static func of(epochSeconds t: Int64) -> Int32 {
        let local = t + offset
        return Int32(local >= 0 ? local / 86_400 : (local - 86_399) / 86_400)
    }

    public static func parse(_ day: String) -> Int32? {
        guard let (y, m, d) = BusinessCalendar.parse(day) else { return nil }
        return Int32(fromCivil(y, m, d))
    }

    public static func string(_ n: Int32) -> String {
        let (y, m, d) = BusinessCalendar.civil(fromDays: Int64(n))
        var out = [UInt8](repeating: 48, count: 10)
        var year = y
        for i in stride(from: 3, through: 0, by: -1) { out[i] = UInt8(48 + year % 10); year /= 10 }
        out[4] = 45; out[5] = UInt8(48 + m / 10); out[6] = UInt8(48 + m % 10)
        out[7] = 45; out[8] = UInt8(48 + d / 10); out[9] = UInt8(48 + d % 10)
        return String(decoding: out, as: UTF8.self)
    }

    @inline(__always)
    static func fromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int64 {
        BusinessCalendar.days(fromCivil: year, month, day)
    }

    /// Epoch seconds of a Beijing local time.
    @inline(__always)
    static func epoch(_ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int, _ s: Int) -> Int64 {
        fromCivil(y, mo, d) * 86_400 + Int64(h * 3600 + mi * 60 + s) - offset
    }

    /// `YYYY-MM-DD HH:MM:SS` Beijing time for epoch seconds.
    public static func beijingTime(_ t: Int64) -> String {
        let local = t + offset
        let dayN = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let sec = local - dayN * 86_400
        return string(Int32(dayN)) + " " + String(format: "%02d:%02d:%02d", Int(sec / 3600), Int(sec % 3600 / 60), Int(sec % 60))
    }
}
