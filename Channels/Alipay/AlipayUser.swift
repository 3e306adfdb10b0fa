/// Who logged in through the Alipay mini-program: the `open_id` when the app has been moved to
/// open IDs, otherwise the legacy `user_id` (2088…).
public struct AlipayUser: Sendable, Equatable {
    public let userID: String

    public init(userID: String) {
        self.userID = userID
    }
}
