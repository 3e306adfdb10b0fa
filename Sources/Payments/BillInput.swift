import Database
import Foundation
import HuiminCore

/// A clinic bill as the HIS pushes it (`PUT /integration/v1/bills/{billNo}`), checked before it
/// is kept: the items must add up to the total, and each item's price times quantity to its amount.
public struct BillInput: Codable, Sendable {
    public var patient_id: String
    public var department_name: String
    public var doctor_name: String?
    /// ISO 8601 with an offset, e.g. `2026-11-24T09:30:00+08:00`.
    public var created_at: String
    public var total_fen: Int64
    public var items: [Item]

    public struct Item: Codable, Sendable, Equatable {
        /// 西药费, 检查费, 治疗费 …
        public var category: String
        public var code: String
        public var name: String
        public var specification: String?
        public var unit: String
        /// A decimal string (`"2"`, `"0.5"`): HIS quantities are not always whole.
        public var quantity: String
        public var unit_price_fen: Int64
        public var amount_fen: Int64
    }

    static let maxItems = 500

    /// The bill as a row, or the first thing wrong with it.
    func row(hospitalCode: String, billNo: String, payCode: String, now: Date) throws -> ClinicBillRow {
        guard (1...32).contains(billNo.count), billNo.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw AppError.invalid("bill_no_invalid", "A bill number is 1 to 32 letters, digits, - or _.")
        }
        guard (1...64).contains(patient_id.count), !department_name.isEmpty, department_name.count <= 64,
              (doctor_name ?? "").count <= 32 else {
            throw AppError.invalid("bill_invalid", "Give patient_id (≤64), department_name (≤64) and at most a 32-character doctor_name.")
        }
        guard let billedAt = try? Date(created_at, strategy: .iso8601) else {
            throw AppError.invalid("bill_time_invalid", "created_at is an ISO 8601 time with an offset.")
        }
        guard (1...Self.maxItems).contains(items.count) else {
            throw AppError.invalid("bill_items_invalid", "A bill has 1 to \(Self.maxItems) items.")
        }
        for (index, item) in items.enumerated() {
            guard !item.name.isEmpty, item.name.count <= 100, item.category.count <= 32, item.code.count <= 32, item.unit.count <= 16,
                  item.unit_price_fen >= 0, item.amount_fen >= 0 else {
                throw AppError.invalid("bill_items_invalid", "Item \(index + 1) needs a name (≤100) and amounts of zero or more fen.")
            }
            guard let quantity = Self.decimal(item.quantity), quantity.value > 0 else {
                throw AppError.invalid("bill_items_invalid", "Item \(index + 1)'s quantity is a positive decimal with at most 4 places.")
            }
            // Price × quantity may round to the fen either way, never by a whole fen.
            let (product, overflow) = item.unit_price_fen.multipliedReportingOverflow(by: quantity.value)
            guard !overflow, abs(product - item.amount_fen * quantity.scale) < quantity.scale else {
                throw AppError.rule("bill_amounts_mismatch",
                                    "Item \(index + 1): \(item.unit_price_fen) fen × \(item.quantity) is not \(item.amount_fen) fen.")
            }
        }
        let sum = items.reduce(Int64(0)) { $0 + $1.amount_fen }
        guard sum == total_fen, total_fen > 0 else {
            throw AppError.rule("bill_amounts_mismatch", "The items add up to \(sum) fen; total_fen says \(total_fen).")
        }
        let itemsJSON = String(decoding: try JSONEncoder.sorted.encode(items), as: UTF8.self)
        return ClinicBillRow(id: TypedID.make("bill"), hospitalCode: hospitalCode, billNo: billNo, patientId: patient_id,
                             departmentName: department_name, doctorName: doctor_name ?? "", items: itemsJSON, totalFen: total_fen,
                             state: "unpaid", billedAt: billedAt, payCode: payCode, createdAt: now, updatedAt: now)
    }

    /// `"12.5"` as 125 over 10; at most four decimal places.
    static func decimal(_ text: String) -> (value: Int64, scale: Int64)? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = parts.first, !whole.isEmpty, whole.count <= 9,
              whole.allSatisfy(\.isASCII), let wholeValue = Int64(whole) else { return nil }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard fraction.count <= 4, fraction.allSatisfy({ $0.isASCII && $0.isNumber }), parts.count == 1 || !fraction.isEmpty else { return nil }
        var scale: Int64 = 1
        for _ in fraction { scale *= 10 }
        return (wholeValue * scale + (Int64(fraction) ?? 0), scale)
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
