import Database
import HuiminCore
import ECGArchive
import ImageArchive
import Logging
import SMS

extension JobRunner {
    /// The runner `huimin serve` and `huimin worker` use, with every job kind the platform queues.
    public static func standard(database: AppDatabase, crypto: any CryptoProfile, sms: SMSGateway,
                                verificationTemplate: String, renditions: InstanceRenditions, sheets: ECGSheets,
                                clock: any HuiminClock,
                                logger: Logger) -> JobRunner {
        var handlers = JobHandlerRegistry()
        handlers.register(SMSVerificationHandler(gateway: sms, templateCode: verificationTemplate, clock: clock))
        handlers.register(RenderHandler(renditions: renditions))
        handlers.register(ECGRenderHandler(sheets: sheets))
        return JobRunner(store: JobStore(database: database), crypto: crypto, handlers: handlers, clock: clock,
                         logger: logger)
    }
}
