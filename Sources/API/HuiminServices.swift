import Alipay
import Appointments
import Database
import Foundation
import ECGArchive
import HIS
import ImageArchive
import Imaging
import HuiminCore
import Logging
import Messaging
import Notices
import Payments
import Films
import Records
import Residents
import SMS
import Transport
import WeChat
import Insurance
import UnionPay
import WeChatPay
import Workers

/// Every long-lived piece of the platform, wired once from the configuration. `huimin serve`, the
/// worker command and the tests all build it the same way.
public struct HuiminServices: Sendable {
    public let configuration: Configuration
    public let clock: any HuiminClock
    public let database: AppDatabase
    public let crypto: any CryptoProfile
    public let accounts: AccountService
    public let codes: VerificationCodes
    public let family: FamilyService
    public let cards: HealthCardService
    public let verification: CardVerification
    public let patientCards: PatientCardService
    public let staff: StaffService
    public let hospitals: HospitalAccess
    public let usageLog: CardUsageLog
    /// Several runners share the queue so thumbnails render on every core.
    public let jobRunners: [JobRunner]
    public let bookingStore: BookingStore
    public let outbox: OutboxStore
    public let policyStore: PolicyStore
    public let bookings: BookingService
    public let queue: QueueService
    public let sessions: SessionChanges
    public let noShows: NoShowService
    public let appointmentStats: AppointmentStatistics
    public let appointmentSweeper: AppointmentSweeper
    public let catalog: CatalogService
    public let schedules: ScheduleService
    public let scheduleStore: ScheduleStore
    public let policies: PolicyService
    public let paymentStore: PaymentStore
    public let payments: PaymentService
    public let paymentSweeper: PaymentSweeper
    public let billing: BillingService
    public let reconciliation: ReconciliationService
    public let templates: TemplateService
    public let dispatchStore: DispatchStore
    public let dispatcher: MessageDispatcher
    public let messaging: MessagingServices
    public let imaging: ImagingServices
    public let ecg: ECGServices
    public let reports: ReportService
    public let reportReader: ReportReader
    public let accessStore: AccessStore
    public let films: FilmReader
    public let shares: FilmShares

    public init(configuration: Configuration, clock: any HuiminClock = SystemClock(), logger: Logger) throws {
        self.configuration = configuration
        self.clock = clock
        try FileManager.default.createDirectory(at: configuration.dataDirectory, withIntermediateDirectories: true)
        database = try AppDatabase(path: configuration.databasePath)
        crypto = try CryptoProfiles.load(name: configuration.cryptoProfile, keysDirectory: configuration.keysDirectory,
                                         clock: clock)
        let personal = PersonalData(crypto: crypto)
        let tokens = SessionTokens(crypto: crypto)
        let residentStore = ResidentStore(database: database)
        let cardStore = CardStore(database: database)
        let accessStore = AccessStore(database: database)
        self.accessStore = accessStore
        let channels = configuration.channels
        let transport = HTTPTransport(timeout: channels.timeout)

        accounts = AccountService(
            store: residentStore, tokens: tokens,
            wechat: WeChatLogin(settings: channels, transport: transport),
            alipay: try AlipayLogin(settings: channels, transport: transport),
            clock: clock, wechatAppID: channels.wechatAppID, alipayAppID: channels.alipayAppID,
            sessionTTL: configuration.sessionTTL)
        codes = VerificationCodes(store: residentStore, personal: personal, clock: clock)
        family = FamilyService(store: residentStore, personal: personal, codes: codes, clock: clock,
                               issuer: configuration.cardIssuer, memberLimit: configuration.familyMemberLimit)
        cards = HealthCardService(family: family, cards: cardStore, crypto: crypto, clock: clock,
                                  issuer: configuration.cardIssuer, ttl: configuration.cardQRTTL)
        usageLog = CardUsageLog(cards: cardStore, logger: logger)
        verification = CardVerification(cards: cardStore, personal: personal, codes: codes, usage: usageLog, clock: clock,
                                        issuer: configuration.cardIssuer)
        // Signed with the wall clock whatever clock Huimin runs on: the HIS checks the timestamp
        // against its own, and a test moving Huimin's clock does not move the hospital's.
        let his = HISClient(settings: channels, transport: transport)
        patientCards = PatientCardService(family: family, cards: cardStore, access: accessStore, personal: personal,
                                          his: his, clock: clock)
        staff = StaffService(access: accessStore, residents: residentStore, cards: cardStore, tokens: tokens, personal: personal, clock: clock)
        hospitals = HospitalAccess(store: accessStore, personal: personal, clock: clock)
        bookingStore = BookingStore(database: database)
        outbox = OutboxStore(database: database)
        policyStore = PolicyStore(database: database)
        bookings = BookingService(bookings: bookingStore, policies: policyStore, clock: clock)
        queue = QueueService(bookings: bookingStore, service: bookings, codes: CheckInCode(crypto: crypto), clock: clock)
        sessions = SessionChanges(bookings: bookingStore, clock: clock)
        noShows = NoShowService(bookings: bookingStore, residents: residentStore, service: bookings, clock: clock)
        appointmentStats = AppointmentStatistics(bookings: bookingStore)
        appointmentSweeper = AppointmentSweeper(bookings: bookings, noShows: noShows, logger: logger)
        let catalogStore = CatalogStore(database: database)
        let scheduleStore = ScheduleStore(database: database)
        self.scheduleStore = scheduleStore
        policies = PolicyService(policies: policyStore, catalog: catalogStore, clock: clock)
        catalog = CatalogService(catalog: catalogStore, schedules: scheduleStore, policies: policies, clock: clock)
        schedules = ScheduleService(schedules: scheduleStore, clock: clock)
        paymentStore = PaymentStore(database: database)
        let alipayPay = try AlipayPayConfiguration.from(settings: channels, sellerID: channels.alipaySellerID,
                                                         notifyURL: channels.alipayNotifyURL)
            .map { AlipayPayClient(configuration: $0, transport: transport, clock: clock) }
        payments = PaymentService(store: paymentStore, wechat: try WeChatPaySetup.client(channels, transport: transport, clock: clock),
                                  alipay: alipayPay,
                                  unionPay: try UnionPayConfiguration.from(settings: channels)
                                      .map { UnionPayClient(configuration: $0, transport: transport, clock: clock) },
                                  insurance: try InsuranceConfiguration.from(settings: channels)
                                      .map { InsuranceClient(configuration: $0, transport: transport, clock: clock) },
                                  bills: BillStore(database: database),
                                  his: his, patientCards: patientCards,
                                  clock: clock, logger: logger)
        billing = BillingService(payments: payments)
        paymentSweeper = PaymentSweeper(payments: payments)
        reconciliation = ReconciliationService(store: ReconciliationStore(database: database), payments: payments,
                                               directory: configuration.dataDirectory.appendingPathComponent("reconciliation"), clock: clock)
        templates = TemplateService(store: TemplateStore(database: database), clock: clock)
        // Messages get their own transport: a broadcast keeps dozens of sends in flight, which must
        // not queue the payment and HIS calls behind them.
        let messagingTransport = HTTPTransport(timeout: channels.timeout, maxIdleHandles: 64, maxConcurrentTransfers: 64)
        dispatchStore = DispatchStore(database: database)
        let senders = MessageSenders(
            wechat: WeChatMessenger(settings: channels, tokens: WeChatAccessToken(settings: channels, transport: messagingTransport,
                                                                                  clock: clock),
                                    transport: messagingTransport),
            alipay: alipayPay.map { AlipayMessenger(client: $0) },
            sms: SMSGateway(settings: channels, transport: messagingTransport, clock: clock),
            miniProgramAppID: channels.wechatAppID, clock: clock)
        dispatcher = MessageDispatcher(store: dispatchStore, templates: TemplateStore(database: database), senders: senders,
                                       crypto: crypto, settings: configuration.messaging, clock: clock, logger: logger)
        messaging = MessagingServices(database: database, crypto: crypto, clock: clock, logger: logger)
        imaging = try ImagingServices(objectsDirectory: configuration.objectsDirectory, database: database, crypto: crypto,
                                      clock: clock)
        ecg = ECGServices(objects: imaging.objects, database: database, crypto: crypto,
                          rules: try Self.criticalRules(path: configuration.ecgRulesPath), clock: clock)
        let reportStore = ReportStore(database: database)
        reports = ReportService(store: reportStore, objects: imaging.objects, personal: personal, clock: clock)
        reportReader = ReportReader(store: reportStore, access: accessStore, objects: imaging.objects, personal: personal, clock: clock)
        films = FilmReader(index: imaging.index, retrieval: imaging.retrieval, reports: reportReader, crypto: crypto)
        shares = FilmShares(store: FilmShareStore(database: database), crypto: crypto, clock: clock, publicURL: configuration.publicURL)
        var runners: [JobRunner] = []
        for _ in 0..<configuration.jobRunners {
            runners.append(JobRunner.standard(
                database: database, crypto: crypto, sms: SMSGateway(settings: channels, transport: transport, clock: clock),
                verificationTemplate: channels.smsVerificationTemplate, renditions: imaging.renditions, sheets: ecg.sheets,
                clock: clock,
                logger: logger))
        }
        jobRunners = runners
    }

    /// 危急值 thresholds differ by province: a JSON file may override any of the defaults.
    static func criticalRules(path: String?) throws -> CriticalRules {
        guard let path else { return CriticalRules() }
        do {
            return try JSONDecoder().decode(CriticalRules.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw AppError("ecg_rules_invalid", status: 500, "HUIMIN_ECG_RULES (\(path)) is not a readable rules file: \(error).")
        }
    }
}
