import Database
import Foundation
import HuiminCore

/// A booking as the resident (and the hospital) sees it.
public struct BookingView: Codable, Sendable, Equatable {
    public var id: String
    public var state: String
    public var memberId: String
    public var hospitalCode: String
    public var departmentId: String
    public var departmentName: String
    public var resourceId: String
    public var resourceName: String
    public var doctorName: String?
    public var substituteDoctorName: String?
    public var kind: String
    public var day: String
    public var period: String
    public var startsAt: String
    public var endsAt: String
    public var visitNumber: Int
    public var registrationType: String
    public var feeFen: Int64
    /// What is still to pay: the fee while the place is locked, otherwise nothing.
    public var amountDueFen: Int64
    public var lockExpiresAt: String?
    /// Until when the resident may cancel (退号); after it, cancelling is refused.
    public var cancelDeadline: String
    public var createdAt: String
    public var confirmedAt: String?
    public var cancelledAt: String?
    public var cancelReason: String?
    public var checkedInAt: String?
    public var substituted: Bool

    init(_ detail: BookingDetail, policy: BookingPolicy) {
        let b = detail.booking
        let c = detail.context
        id = b.id
        state = b.state
        memberId = b.memberId
        hospitalCode = b.hospitalCode
        departmentId = b.departmentId
        departmentName = c.departmentName
        resourceId = b.resourceId
        resourceName = c.resourceName
        doctorName = c.doctorName
        substituteDoctorName = c.substituteDoctorName
        kind = b.kind
        day = b.day
        period = b.period
        startsAt = ISO8601.string(c.startsAt)
        endsAt = ISO8601.string(c.endsAt)
        visitNumber = b.visitNumber
        registrationType = b.registrationType
        feeFen = b.feeFen
        amountDueFen = b.state == "locked" ? b.feeFen : 0
        lockExpiresAt = b.state == "locked" ? b.lockExpiresAt.map(ISO8601.string) : nil
        cancelDeadline = ISO8601.string(BookingRules.cancelDeadline(b, context: c, policy: policy))
        createdAt = ISO8601.string(b.createdAt)
        confirmedAt = b.confirmedAt.map(ISO8601.string)
        cancelledAt = b.cancelledAt.map(ISO8601.string)
        cancelReason = b.cancelReason
        checkedInAt = b.checkedInAt.map(ISO8601.string)
        substituted = b.substituted
    }
}
