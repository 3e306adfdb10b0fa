import Foundation
import GRDB
import HuiminCore

/// A booking as stored. `state` moves locked -> confirmed -> checked_in -> called -> completed,
/// with the exits cancelled, expired (lock ran out) and no_show.
public struct BookingRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "booking"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    /// States that hold the patient's one place per day and department.
    public static let liveStates = ["locked", "confirmed", "checked_in", "called"]

    public var id: String
    public var accountId: String
    public var memberId: String
    public var personId: String
    public var hospitalCode: String
    public var departmentId: String
    public var resourceId: String
    public var doctorId: String?
    public var sessionId: String
    public var slotId: String
    public var kind: String
    public var day: String
    public var period: String
    public var limitKey: String
    public var state: String
    public var visitNumber: Int
    public var feeFen: Int64
    public var registrationType: String
    public var usesReserve: Bool
    public var lockExpiresAt: Date?
    public var idempotencyKey: String?
    public var requestDigest: String?
    public var paidTradeNo: String?
    public var cancelReason: String?
    public var lateCancel: Bool
    public var substituted: Bool
    public var queueKey: String?
    public var createdAt: Date
    public var confirmedAt: Date?
    public var cancelledAt: Date?
    public var checkedInAt: Date?
    public var calledAt: Date?
    public var completedAt: Date?
    public var updatedAt: Date
}

/// What a booking needs to know about the segment it is for, read in one join.
public struct SlotContext: Sendable {
    public var slotId: String
    public var sessionId: String
    public var hospitalCode: String
    public var departmentId: String
    public var departmentName: String
    public var parentDepartmentId: String?
    public var minAge: Int?
    public var maxAge: Int?
    public var sex: String?
    public var resourceId: String
    public var resourceName: String
    public var kind: String
    public var doctorId: String?
    public var doctorName: String?
    public var substituteDoctorName: String?
    public var day: String
    public var period: String
    public var sessionStatus: String
    public var startsAt: Date
    public var endsAt: Date
    public var registrationType: String
    public var feeFen: Int64
    public var capacity: Int
    public var reserved: Int
    public var extra: Int
    public var taken: Int
}

/// A booking with the names a resident reads beside it.
public struct BookingDetail: Sendable {
    public var booking: BookingRow
    public var context: SlotContext

    public init(booking: BookingRow, context: SlotContext) {
        self.booking = booking
        self.context = context
    }
}

/// A notification to queue in the same transaction as the change that causes it.
public struct OutboxMessage: Sendable {
    public var event: String
    public var accountID: String?
    public var personID: String?
    public var subjectKind: String
    public var subjectID: String
    public var urgent: Bool
    public var payload: [String: String]
    public var dedupeKey: String?
    public var notBefore: Date?

    public init(event: String, accountID: String?, personID: String?, subjectKind: String, subjectID: String,
                urgent: Bool = false, payload: [String: String], dedupeKey: String? = nil, notBefore: Date? = nil) {
        self.event = event
        self.accountID = accountID
        self.personID = personID
        self.subjectKind = subjectKind
        self.subjectID = subjectID
        self.urgent = urgent
        self.payload = payload
        self.dedupeKey = dedupeKey
        self.notBefore = notBefore
    }
}

extension OutboxMessage {
    /// A booking event with the facts every template may use: where, when, which number, how much.
    /// Templates (the messaging stage) decide the words.
    public static func booking(_ event: String, _ booking: BookingRow, _ context: SlotContext, urgent: Bool = false,
                               extra: [String: String] = [:], dedupeKey: String? = nil, notBefore: Date? = nil) -> OutboxMessage {
        var payload = [
            "bookingId": booking.id, "memberId": booking.memberId, "hospitalCode": booking.hospitalCode,
            "department": context.departmentName, "resource": context.resourceName, "day": booking.day,
            "period": booking.period, "startsAt": ISO8601.string(context.startsAt), "visitNumber": "\(booking.visitNumber)",
            "feeFen": "\(booking.feeFen)",
        ]
        if let doctor = context.substituteDoctorName ?? context.doctorName { payload["doctor"] = doctor }
        payload.merge(extra) { $1 }
        return OutboxMessage(event: event, accountID: booking.accountId, personID: booking.personId, subjectKind: "booking",
                             subjectID: booking.id, urgent: urgent, payload: payload, dedupeKey: dedupeKey, notBefore: notBefore)
    }
}
