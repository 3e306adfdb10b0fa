import Database
import Foundation
import HuiminCore

/// The order of push channels a resident wants. Only channels the account can be reached on
/// may be chosen (WeChat ones for a WeChat account, Alipay for an Alipay one, SMS for both); an
/// empty list means no push at all, and the inbox alone carries the messages.
public struct MessagePreferenceService: Sendable {
    let store: MessagePreferenceStore
    let clock: any HuiminClock

    public init(store: MessagePreferenceStore, clock: any HuiminClock) {
        self.store = store
        self.clock = clock
    }

    public struct View: Codable, Sendable, Equatable {
        /// The order the dispatcher follows.
        public var channels: [String]
        /// What this account may choose from.
        public var available: [String]
        /// True while the resident has chosen nothing and the default order applies.
        public var isDefault: Bool
        public var updatedAt: String?
    }

    public func preference(accountID: String, accountChannel: String) async throws -> View {
        let available = PushChannels.available(accountChannel: accountChannel).map(\.rawValue)
        guard let saved = try await store.preference(accountID: accountID) else {
            return View(channels: PushChannels.defaultOrder(accountChannel: accountChannel).map(\.rawValue), available: available,
                        isDefault: true, updatedAt: nil)
        }
        return View(channels: saved.channels, available: available, isDefault: false, updatedAt: ISO8601.string(saved.updatedAt))
    }

    public func save(accountID: String, accountChannel: String, channels: [String]) async throws -> View {
        let available = PushChannels.available(accountChannel: accountChannel).map(\.rawValue)
        if let bad = channels.first(where: { !available.contains($0) }) {
            throw AppError.invalid("message_preference_invalid",
                                   "'\(bad)' is not a push channel of this account; choose from \(available.joined(separator: ", ")).")
        }
        guard Set(channels).count == channels.count else {
            throw AppError.invalid("message_preference_invalid", "Name each channel once.")
        }
        let saved = try await store.save(accountID: accountID, channels: channels, now: clock.now())
        return View(channels: saved.channels, available: available, isDefault: false, updatedAt: ISO8601.string(saved.updatedAt))
    }
}
