import Appointments
import Foundation
import HuiminCore
import HTTPTypes
import Hummingbird

/// `/api/v1/bookings`: a resident books, lists, cancels, checks in and watches the queue.
struct BookingRoutes {
    let services: HuiminServices

    struct BookBody: Decodable { let memberId: String; let slotId: String }
    struct CheckInBody: Decodable { let code: String }
    struct BookingEnvelope: Encodable, Sendable { let booking: BookingView }
    struct BookingsEnvelope: Encodable, Sendable { let bookings: [BookingView] }
    struct CheckedInEnvelope: Encodable, Sendable { let booking: BookingView; let queue: QueueService.Standing }
    struct QueueEnvelope: Encodable, Sendable { let queue: QueueService.Standing }

    func register(on router: RouterGroup<some RequestContext>) {
        router.post("bookings") { request, context in
            let (account, _) = try await services.resident(request)
            let body = try await request.json(BookBody.self, context: context)
            let (booking, replayed) = try await services.bookings.book(
                accountID: account.id, memberID: body.memberId, slotID: body.slotId,
                idempotencyKey: request.headers[.idempotencyKey])
            return JSONResponse(BookingEnvelope(booking: booking), status: replayed ? .ok : .created)
        }
        router.get("bookings") { request, _ in
            let (account, _) = try await services.resident(request)
            let live: Bool?
            switch request.uri.queryParameters.get("state") {
            case nil: live = nil
            case "live": live = true
            case "past": live = false
            default: throw AppError.invalid("state_filter_invalid", "state is live or past.")
            }
            return JSONResponse(BookingsEnvelope(bookings: try await services.bookings.list(accountID: account.id, live: live)))
        }
        router.get("bookings/:booking") { request, context in
            let (account, _) = try await services.resident(request)
            return JSONResponse(BookingEnvelope(booking: try await services.bookings.booking(accountID: account.id,
                                                                                             bookingID: context.booking())))
        }
        router.post("bookings/:booking/cancel") { request, context in
            let (account, _) = try await services.resident(request)
            return JSONResponse(BookingEnvelope(booking: try await services.bookings.cancel(accountID: account.id,
                                                                                            bookingID: context.booking())))
        }
        router.post("bookings/:booking/check-in") { request, context in
            let (account, _) = try await services.resident(request)
            let body = try await request.json(CheckInBody.self, context: context)
            let (booking, queue) = try await services.queue.checkIn(accountID: account.id, bookingID: context.booking(), code: body.code)
            return JSONResponse(CheckedInEnvelope(booking: booking, queue: queue))
        }
        router.get("bookings/:booking/queue") { request, context in
            let (account, _) = try await services.resident(request)
            return JSONResponse(QueueEnvelope(queue: try await services.queue.standing(accountID: account.id, bookingID: context.booking())))
        }
    }
}

extension RequestContext {
    func booking() throws -> String {
        guard let id = parameters.get("booking"), id.hasPrefix("bkg_") else {
            throw AppError.notFound("booking_not_found", "No such booking.")
        }
        return id
    }
}

extension HTTPField.Name {
    static let idempotencyKey = Self("Idempotency-Key")!
}
