import Foundation

/// How the dispatcher treats residents: quiet hours, a per-recipient rate limit, retries; and how
/// hard it works. From `HUIMIN_QUIET_HOURS` (`22:00-07:00`, or `off`), `HUIMIN_MESSAGE_RATE`
/// (`N/SECONDS`, non-urgent messages per recipient), `HUIMIN_MESSAGE_MAX_ATTEMPTS`,
/// `HUIMIN_DISPATCH_LANES` and `HUIMIN_DISPATCH_BATCH`. `HUIMIN_DISPATCHER=off` keeps this process
/// from dispatching (another one does, or a test drives it by hand).
public struct MessagingSettings: Sendable {
    public var dispatcherEnabled = true
    /// The token set with the official account's server URL; WeChat signs its event pushes with it.
    public var wechatEventToken = "sandbox-event-token"
    /// Minutes after midnight (Asia/Shanghai) when quiet hours start and end; nil: none.
    public var quietHours: (start: Int, end: Int)?
    public var rateLimit: Int
    public var rateWindow: TimeInterval
    /// Attempts over all channels before a message is dead-lettered.
    public var maxAttempts: Int
    /// Batches in flight at once; one slow vendor holds up only its own lane.
    public var lanes: Int
    public var batchSize: Int
    /// How long a claimed message stays leased; a dispatcher that died frees it after this.
    public var leaseSeconds: TimeInterval
    public var pollInterval: Duration

    public init(quietHours: (start: Int, end: Int)? = (22 * 60, 7 * 60), rateLimit: Int = 20, rateWindow: TimeInterval = 3600,
                maxAttempts: Int = 6, lanes: Int = 4, batchSize: Int = 64, leaseSeconds: TimeInterval = 30,
                pollInterval: Duration = .milliseconds(200)) {
        self.quietHours = quietHours
        self.rateLimit = rateLimit
        self.rateWindow = rateWindow
        self.maxAttempts = maxAttempts
        self.lanes = lanes
        self.batchSize = batchSize
        self.leaseSeconds = leaseSeconds
        self.pollInterval = pollInterval
    }

    public init(environment env: [String: String]) {
        self.init()
        dispatcherEnabled = env["HUIMIN_DISPATCHER"] != "off"
        wechatEventToken = env["HUIMIN_WECHAT_EVENT_TOKEN"] ?? wechatEventToken
        if let text = env["HUIMIN_QUIET_HOURS"] {
            quietHours = Self.parseQuietHours(text)
        }
        if let text = env["HUIMIN_MESSAGE_RATE"] {
            let parts = text.split(separator: "/").compactMap { Int($0) }
            if parts.count == 2, parts[0] > 0, parts[1] > 0 {
                rateLimit = parts[0]
                rateWindow = TimeInterval(parts[1])
            }
        }
        maxAttempts = Int(env["HUIMIN_MESSAGE_MAX_ATTEMPTS"] ?? "").map { max(1, $0) } ?? maxAttempts
        lanes = Int(env["HUIMIN_DISPATCH_LANES"] ?? "").map { min(max(1, $0), 32) } ?? lanes
        batchSize = Int(env["HUIMIN_DISPATCH_BATCH"] ?? "").map { min(max(1, $0), 500) } ?? batchSize
    }

    /// `HH:MM-HH:MM` (the end may be the next morning); `off` or anything unreadable: none.
    public static func parseQuietHours(_ text: String) -> (start: Int, end: Int)? {
        let ends = text.split(separator: "-").map { $0.split(separator: ":").compactMap { Int($0) } }
        guard ends.count == 2, ends.allSatisfy({ $0.count == 2 && (0..<24).contains($0[0]) && (0..<60).contains($0[1]) }) else {
            return nil
        }
        let start = ends[0][0] * 60 + ends[0][1], end = ends[1][0] * 60 + ends[1][1]
        return start == end ? nil : (start, end)
    }
}
