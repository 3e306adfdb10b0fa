import API
import ArgumentParser
import HuiminCore
import Logging
import ServiceLifecycle

struct Worker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run only the background work (queued jobs such as SMS, the appointment and payment sweepers, broadcast expansion, the message dispatcher) against the database under HUIMIN_DATA, beside or instead of the one inside `huimin serve`.")

    func run() async throws {
        let configuration = try ServerSetup.configuration()
        LogSetup.bootstrap(level: configuration.logLevel, format: configuration.logFormat)
        let logger = Logger(label: "huimin.worker")
        let services = try HuiminServices(configuration: configuration, logger: logger)
        let group = ServiceGroup(configuration: .init(
            services: background(services),
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    private func background(_ services: HuiminServices) -> [any Service] {
        var work: [any Service] = services.jobRunners.enumerated().map { position, runner in
            BackgroundWork(name: "job-runner-\(position + 1)") { await runner.run() }
        }
        work += [BackgroundWork(name: "appointment-sweeper") { await services.appointmentSweeper.run() },
                 BackgroundWork(name: "payment-sweeper") { await services.paymentSweeper.run() },
                 BackgroundWork(name: "broadcast-expander") { await services.messaging.broadcastExpander.run() }]
        if services.configuration.messaging.dispatcherEnabled {
            work.append(BackgroundWork(name: "message-dispatcher") { await services.dispatcher.run() })
        }
        return work
    }
}
