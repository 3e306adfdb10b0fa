import Foundation
import HuiminCore

/// The handlers a runner knows, by job kind. A job of a kind nobody registered is dead-lettered.
public struct JobHandlerRegistry: Sendable {
    typealias Run = @Sendable (_ sealed: Data, _ crypto: any CryptoProfile) async throws -> Void
    private var runs: [String: Run] = [:]

    public init() {}

    public mutating func register<H: JobHandler>(_ handler: H) {
        runs[H.Payload.kind] = { sealed, crypto in
            try await handler.run(try PayloadSealing.open(sealed, as: H.Payload.self, crypto: crypto))
        }
    }

    public var kinds: [String] { runs.keys.sorted() }

    func run(for kind: String) -> Run? { runs[kind] }
}
