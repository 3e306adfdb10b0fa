import Database
import Foundation
import HuiminCore
import Logging

/// What residents and staff use around the dispatcher: the inbox, consents, channel
/// preferences, message records and statistics, and broadcasts with their expander. Built once
/// in HuiminServices.
public struct MessagingServices: Sendable {
    public let inbox: InboxService
    public let consents: MessageConsentService
    public let preferences: MessagePreferenceService
    public let records: MessageRecordService
    public let statistics: MessageStatistics
    public let broadcasts: BroadcastService
    public let broadcastExpander: BroadcastExpander

    public init(database: AppDatabase, crypto: any CryptoProfile, clock: any HuiminClock, logger: Logger) {
        let residents = ResidentStore(database: database)
        let records = MessageRecordStore(database: database)
        let broadcastStore = BroadcastStore(database: database)
        inbox = InboxService(store: InboxStore(database: database), residents: residents, clock: clock)
        consents = MessageConsentService(consents: MessageConsentStore(database: database), templates: TemplateStore(database: database),
                                         clock: clock)
        preferences = MessagePreferenceService(store: MessagePreferenceStore(database: database), clock: clock)
        self.records = MessageRecordService(store: records, residents: residents, crypto: crypto, clock: clock)
        statistics = MessageStatistics(store: records)
        broadcasts = BroadcastService(store: broadcastStore, clock: clock)
        broadcastExpander = BroadcastExpander(store: broadcastStore, clock: clock, logger: logger)
    }
}
