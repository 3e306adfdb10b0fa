import Foundation
import GRDB

/// A merchant account (商户号) of a hospital or campus at one channel.
public struct MerchantRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "merchant"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    public var id: String
    public var hospitalCode: String
    /// Empty for the whole hospital.
    public var campusId: String
    public var channel: String
    public var merchantNo: String
    public var appId: String
    public var createdAt: Date
    public var updatedAt: Date
}

/// A payment order. `state` moves created -> paying (the channel has the order) -> paid ->
/// partially_refunded / refunded; created or paying end in closed (expired or cancelled) or
/// failed.
public struct PaymentOrderRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "payment_order"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    public static let openStates = ["created", "paying"]

    public var id: String
    public var tradeNo: String
    public var businessType: String
    public var businessRef: String
    public var accountId: String
    public var personId: String
    public var hospitalCode: String
    public var merchantId: String
    public var channel: String
    public var description: String
    public var amountFen: Int64
    public var paidFen: Int64
    public var refundedFen: Int64
    /// Refunds asked of the channel and not yet done: counted against what may still be refunded.
    public var refundingFen: Int64
    public var state: String
    public var channelTradeId: String?
    public var prepayId: String?
    public var expiresAt: Date
    public var paidAt: Date?
    public var closedAt: Date?
    public var idempotencyKey: String?
    public var requestDigest: String?
    public var createdAt: Date
    public var updatedAt: Date

    /// What may still be refunded.
    public var refundableFen: Int64 { paidFen - refundedFen - refundingFen }
}

/// A refund of (part of) a paid order.
public struct PaymentRefundRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "payment_refund"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    public var id: String
    public var refundNo: String
    public var orderId: String
    public var amountFen: Int64
    public var reason: String
    /// cancellation, suspension, duplicate_payment, late_payment, booking_not_payable, staff, resident
    public var cause: String
    /// requested -> processing -> succeeded; failed (the channel closed it) and abnormal (needs a
    /// cashier) are the other ends.
    public var state: String
    public var channelRefundId: String?
    public var attempts: Int
    public var lastError: String?
    public var nextAttemptAt: Date
    public var idempotencyKey: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var succeededAt: Date?
}
