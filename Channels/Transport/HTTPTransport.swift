import Foundation
import HuiminCore
import Synchronization

/// The one outbound HTTP client of Huimin, over libcurl. Every channel adapter sends through it.
///
/// - Transfers block in `curl_easy_perform`, so they run on the transport's own threads and resume
///   the caller through a continuation; Swift's cooperative pool never blocks.
/// - Easy handles are pooled: libcurl keeps connections alive per handle, so reuse keeps them warm.
/// - Timeouts: a connect timeout and a total timeout; running out is `channel_timeout` (504), any
///   other transport failure is `channel_unreachable` (502).
/// - Proxy: libcurl reads `http_proxy`, `https_proxy` (or `HTTPS_PROXY`) and `no_proxy` from the
///   environment; nothing here overrides that. (libcurl ignores upper-case `HTTP_PROXY`.)
/// - TLS: peer and host verification are always on. `HUIMIN_CA_BUNDLE` names a CA file to trust
///   instead of the system store (e.g. a private hospital CA).
public final class HTTPTransport: Sendable {
    public let timeout: Double
    private let connectTimeout: Double
    private let maxBodyBytes: Int
    private let caBundle: String?
    private let maxIdleHandles: Int
    private let idleHandles = Mutex<[EasyHandle]>([])
    private let threads: TransferThreads

    /// - Parameters:
    ///   - timeout: total seconds per request unless the request sets its own.
    ///   - connectTimeout: seconds to establish a connection (capped by the total timeout).
    ///   - maxIdleHandles: handles (and so warm connections) kept between requests.
    ///   - maxConcurrentTransfers: transfers running at once; more wait for a free thread.
    ///   - maxResponseBytes: larger bodies fail with `channel_response_too_large`.
    public init(timeout: Double = 10, connectTimeout: Double = 3, maxIdleHandles: Int = 8,
                maxConcurrentTransfers: Int = 64, maxResponseBytes: Int = 64 << 20,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.maxIdleHandles = maxIdleHandles
        self.maxBodyBytes = maxResponseBytes
        self.threads = TransferThreads(maxThreads: maxConcurrentTransfers)
        self.caBundle = environment["HUIMIN_CA_BUNDLE"].flatMap { $0.isEmpty ? nil : $0 }
    }

    public func send(_ request: OutboundRequest) async throws -> OutboundResponse {
        try Task.checkCancellation()
        let limits = EasyHandle.Limits(totalTimeout: request.timeout ?? timeout, connectTimeout: connectTimeout,
                                       maxBodyBytes: maxBodyBytes, caBundle: caBundle)
        let cancellation = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<OutboundResponse, any Error>) in
                threads.run {
                    continuation.resume(with: Result { try self.perform(request, limits: limits, cancellation: cancellation) })
                }
            }
        } onCancel: {
            cancellation.cancel()
        }
    }

    private func perform(_ request: OutboundRequest, limits: EasyHandle.Limits,
                         cancellation: CancellationFlag) throws -> OutboundResponse {
        let handle = try checkOut()
        defer { checkIn(handle) }
        return try handle.perform(request, limits: limits, cancellation: cancellation)
    }

    private func checkOut() throws(AppError) -> EasyHandle {
        if let handle = idleHandles.withLock({ $0.popLast() }) { return handle }
        return try EasyHandle()
    }

    /// A handle beyond the idle limit is dropped, which closes its connections.
    private func checkIn(_ handle: EasyHandle) {
        idleHandles.withLock { idle in
            if idle.count < maxIdleHandles { idle.append(handle) }
        }
    }
}
