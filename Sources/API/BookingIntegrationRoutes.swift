import Appointments
import Database
import Foundation
import HuiminCore
import Hummingbird

/// `/integration/v1`: what a hospital's HIS, kiosks and queue system do to bookings and sessions.
struct BookingIntegrationRoutes {
    let services: HuiminServices

    struct SessionKey: Decodable { let resourceCode: String; let day: String; let period: String; let reason: String }
    struct SubstituteBody: Decodable {
        let resourceCode: String; let day: String; let period: String; let doctorCode: String; let reason: String
    }
    struct PaymentBody: Decodable { let tradeNo: String; let amountFen: Int64; let channel: String }
    struct CheckInCodeEnvelope: Encodable, Sendable { let code: String; let svg: String }
    struct BookingEnvelope: Encodable, Sendable { let booking: BookingView }

    func register(on router: RouterGroup<some RequestContext>) {
        router.post("sessions/suspend") { request, _ in
            let (hospital, bytes) = try await services.hospital(request)
            let body = try JSONBody.decode(SessionKey.self, from: bytes)
            let session = try await services.sessions.session(hospitalCode: hospital, resourceCode: body.resourceCode,
                                                              day: body.day, period: body.period)
            return JSONResponse(try await services.sessions.suspend(sessionID: session, reason: body.reason, actor: .hospital(hospital)))
        }
        router.post("sessions/substitute") { request, _ in
            let (hospital, bytes) = try await services.hospital(request)
            let body = try JSONBody.decode(SubstituteBody.self, from: bytes)
            let session = try await services.sessions.session(hospitalCode: hospital, resourceCode: body.resourceCode,
                                                              day: body.day, period: body.period)
            let doctor = try await services.sessions.doctorID(hospitalCode: hospital, code: body.doctorCode)
            return JSONResponse(try await services.sessions.substitute(sessionID: session, doctorID: doctor, reason: body.reason,
                                                                        actor: .hospital(hospital)))
        }
        router.post("bookings/:booking/check-in") { request, context in
            let (hospital, _) = try await services.hospital(request)
            let (booking, queue) = try await services.queue.checkIn(hospitalCode: hospital, bookingID: context.booking())
            return JSONResponse(BookingRoutes.CheckedInEnvelope(booking: booking, queue: queue))
        }
        // Paid at the hospital's window or kiosk: the same confirmation Payments gives for online payment.
        router.post("bookings/:booking/payment") { request, context in
            let (hospital, bytes) = try await services.hospital(request)
            let body = try JSONBody.decode(PaymentBody.self, from: bytes)
            let id = try context.booking()
            _ = try await services.bookings.booking(hospitalCode: hospital, bookingID: id)
            let booking = try await services.bookings.confirmPayment(bookingID: id, tradeNo: body.tradeNo, amountFen: body.amountFen,
                                                                     actor: .hospital(hospital))
            return JSONResponse(BookingEnvelope(booking: booking))
        }
        router.post("queue/:booking/:action") { request, context in
            let (hospital, _) = try await services.hospital(request)
            guard let action = BookingStore.QueueAction(rawValue: context.parameters.get("action") ?? "") else {
                throw AppError.notFound("queue_action_unknown", "The queue action is call, complete or pass.")
            }
            let (booking, queue) = try await services.queue.report(action, bookingID: context.booking(), hospitalCode: hospital)
            return JSONResponse(BookingRoutes.CheckedInEnvelope(booking: booking, queue: queue))
        }
        router.get("departments/:department/check-in-code") { request, context in
            let (hospital, _) = try await services.hospital(request)
            let code = try await services.queue.checkInCode(hospitalCode: hospital,
                                                            departmentCode: context.parameters.get("department") ?? "")
            return JSONResponse(CheckInCodeEnvelope(code: code, svg: try CardRoutes.matrix(code).svg(moduleSize: 8, margin: 4)))
        }
    }
}
