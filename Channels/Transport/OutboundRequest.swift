/// One outbound HTTP call as an adapter describes it. Named `Outbound*` because Hummingbird
/// re-exports HTTPTypes' `HTTPRequest`, and tests import both.
public struct OutboundRequest: Sendable {
    public var method: String
    public var url: String
    /// In order, duplicates allowed; sent exactly as given.
    public var headers: [(String, String)]
    public var body: [UInt8]
    /// Overrides the transport's total timeout (seconds) for this call only.
    public var timeout: Double?

    public init(method: String, url: String, headers: [(String, String)] = [], body: [UInt8] = [],
                timeout: Double? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}
