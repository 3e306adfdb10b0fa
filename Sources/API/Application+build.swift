import Foundation
import HuiminCore
import Hummingbird
import Logging
import ServiceLifecycle

/// Builds the whole HTTP application. `huimin serve` and the tests call this same function.
public func buildApplication(services: HuiminServices, logger: Logger) throws -> some ApplicationProtocol {
    let router = try buildRouter(services: services)
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(services.configuration.host, port: services.configuration.port),
                             serverName: "huimin"),
        logger: logger)
    app.addServices(services.jobRunners.enumerated().map { position, runner in
        BackgroundWork(name: "job-runner-\(position + 1)") { await runner.run() }
    })
    app.addServices(BackgroundWork(name: "card-usage-log") { await services.usageLog.run() },
                    BackgroundWork(name: "broadcast-expander") { await services.messaging.broadcastExpander.run() })
    if services.configuration.sweepersEnabled {
        app.addServices(BackgroundWork(name: "appointment-sweeper") { await services.appointmentSweeper.run() },
                        BackgroundWork(name: "payment-sweeper") { await services.paymentSweeper.run() })
    }
    if services.configuration.messaging.dispatcherEnabled {
        app.addServices(BackgroundWork(name: "message-dispatcher") { await services.dispatcher.run() })
    }
    return app
}

public func buildRouter(services: HuiminServices) throws -> Router<BasicRequestContext> {
    let router = Router()
    router.add(middleware: AccessLogMiddleware())
    router.add(middleware: DicomWebCORS())
    router.add(middleware: ErrorMiddleware())
    router.get("healthz") { _, _ in JSONResponse(["status": "ok"]) }
    router.get("readyz") { _, _ in
        guard await services.database.isReady() else {
            throw AppError.unavailable("not_ready", "The database schema is not up to date.")
        }
        return JSONResponse(["status": "ready"])
    }
    let api = router.group("api/v1")
    ResidentRoutes(services: services).register(on: api)
    CardRoutes(services: services).register(on: api)
    StaffRoutes(services: services).register(on: api.group("staff"))
    IntegrationRoutes(services: services).register(on: router.group("integration/v1"))
    BookingRoutes(services: services).register(on: api)
    BookingIntegrationRoutes(services: services).register(on: router.group("integration/v1"))
    SessionStaffRoutes(services: services).register(on: api.group("staff"))
    AppointmentStaffRoutes(services: services).register(on: api.group("staff"))
    CatalogRoutes(services: services).register(on: api)
    CatalogIntegrationRoutes(services: services).register(on: router.group("integration/v1"))
    CatalogStaffRoutes(services: services).register(on: api.group("staff"))
    PaymentRoutes(services: services).register(on: api)
    BillRoutes(services: services).register(on: api)
    BillIntegrationRoutes(services: services).register(on: router.group("integration/v1"))
    PaymentStaffRoutes(services: services).register(on: api.group("staff"))
    ReconciliationRoutes(services: services).register(on: api.group("staff"))
    MessageTemplateRoutes(services: services).register(on: api.group("staff"))
    InboxRoutes(services: services).register(on: api)
    MessageSettingsRoutes(services: services).register(on: api)
    MessageStaffRoutes(services: services).register(on: api.group("staff"))
    BroadcastRoutes(services: services).register(on: api.group("staff"))
    DicomWebRoutes(services: services).register(on: router.group(""))
    ImagingUploadRoutes(services: services).register(on: api.group("staff"))
    let ecg = ECGRoutes(services: services)
    ecg.registerIntegration(on: router.group("integration/v1"))
    ecg.registerStaff(on: api.group("staff"))
    ecg.registerResident(on: api)
    ECGAdminRoutes(services: services).register(on: api.group("staff"))
    ReportRoutes(services: services).register(on: api)
    ReportIntegrationRoutes(services: services).register(on: router.group("integration/v1"))
    ReportStaffRoutes(services: services).register(on: api.group("staff"))
    FilmRoutes(services: services).register(on: api)
    ShareRoutes(services: services).register(on: router.group("s"))
    PaymentNotifyRoutes(services: services).register(on: router.group("notify/v1"))
    let console = ConsoleRoutes(services: services, pages: try ConsolePages.load())
    let consoleGroup = router.group("console")
    console.register(on: consoleGroup)
    ConsoleCashierRoutes(console: console).register(on: consoleGroup)
    ConsoleOperationsRoutes(console: console).register(on: consoleGroup)
    MessageNotifyRoutes(services: services).register(on: router.group("notify/v1"))
    return router
}

/// A background loop run beside the HTTP server (or alone, in `huimin worker`); cancelled, and so
/// finished, on graceful shutdown.
public struct BackgroundWork: Service {
    let name: String
    let body: @Sendable () async -> Void

    public init(name: String, body: @escaping @Sendable () async -> Void) {
        self.name = name
        self.body = body
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await body()
        }
    }
}
