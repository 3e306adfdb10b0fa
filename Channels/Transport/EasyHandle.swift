import CCurl
import HuiminCore

/// The one Swift owner of a libcurl easy handle. libcurl keeps its connection cache per handle,
/// so handles are pooled and reused rather than created per request.
///
/// `@unchecked Sendable`: a handle moves from the pool to a transfer thread and back, but the pool
/// hands it to one transfer at a time, so it is never used from two threads at once.
final class EasyHandle: @unchecked Sendable {
    private let handle: UnsafeMutableRawPointer

    init() throws(AppError) {
        guard ccurl_global_init_once() == CURLE_OK, let handle = curl_easy_init() else {
            throw AppError.internalError
        }
        self.handle = handle
    }

    deinit { curl_easy_cleanup(handle) }

    struct Limits {
        var totalTimeout: Double
        var connectTimeout: Double
        var maxBodyBytes: Int
        var caBundle: String?
    }

    /// Runs one request to completion on the calling thread (blocking).
    func perform(_ request: OutboundRequest, limits: Limits, cancellation: CancellationFlag) throws -> OutboundResponse {
        // Reset clears the previous request's options but keeps live connections and caches.
        curl_easy_reset(handle)
        let state = TransferState(maxBodyBytes: limits.maxBodyBytes, cancellation: cancellation)
        var headerList: UnsafeMutablePointer<curl_slist>? = nil
        defer { curl_slist_free_all(headerList) }
        // libcurl adds `Expect: 100-continue` to larger bodies and then waits up to a second for
        // an interim answer many servers never send; an empty value suppresses it.
        for line in request.headers.map({ "\($0.0): \($0.1)" }) + ["Expect:"] {
            // On failure append returns NULL and leaves the list as it was: a request must not
            // go out without, say, its signature header.
            guard let extended = curl_slist_append(headerList, line) else { throw AppError.internalError }
            headerList = extended
        }

        let code: CURLcode = withExtendedLifetime(state) {
            let setup = configure(request, limits: limits, headers: headerList, state: state)
            guard setup == CURLE_OK else { return setup }
            return curl_easy_perform(handle)
        }
        if state.bodyTooLarge { throw TransportErrors.tooLarge }
        guard code == CURLE_OK else { throw TransportErrors.error(for: code) }
        var status = 0
        guard ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK, status > 0 else {
            throw TransportErrors.error(for: CURLE_GOT_NOTHING)
        }
        return OutboundResponse(status: status, headers: state.headers, body: state.body)
    }

    private func configure(_ request: OutboundRequest, limits: Limits, headers: UnsafeMutablePointer<curl_slist>?,
                           state: TransferState) -> CURLcode {
        var results: [CURLcode] = [
            ccurl_setopt_string(handle, CURLOPT_URL, request.url),
            ccurl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"),
            // Signals cannot be used for DNS timeouts in a multi-threaded process.
            ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1),
            ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(limits.totalTimeout * 1000)),
            ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS,
                              Int(min(limits.connectTimeout, limits.totalTimeout) * 1000)),
            ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1),
            ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2),
            // "" = offer every encoding this libcurl can decode, and decode it transparently.
            ccurl_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, ""),
            ccurl_setopt_pointer(handle, CURLOPT_HTTPHEADER, headers),
            ccurl_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION, TransferState.writeBody),
            ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, state.pointer),
            ccurl_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION, TransferState.writeHeader),
            ccurl_setopt_pointer(handle, CURLOPT_HEADERDATA, state.pointer),
            ccurl_setopt_long(handle, CURLOPT_NOPROGRESS, 0),
            ccurl_setopt_progress_callback(handle, CURLOPT_XFERINFOFUNCTION, TransferState.checkCancelled),
            ccurl_setopt_pointer(handle, CURLOPT_XFERINFODATA, state.pointer),
        ]
        // No CURLOPT_PROXY on purpose: libcurl then honours http_proxy / https_proxy / no_proxy
        // from the environment itself.
        if let caBundle = limits.caBundle {
            results.append(ccurl_setopt_string(handle, CURLOPT_CAINFO, caBundle))
        }
        results += configureMethod(request)
        return results.first { $0 != CURLE_OK } ?? CURLE_OK
    }

    private func configureMethod(_ request: OutboundRequest) -> [CURLcode] {
        let method = request.method.uppercased()
        var results: [CURLcode] = []
        switch method {
        case "GET" where request.body.isEmpty:
            results.append(ccurl_setopt_long(handle, CURLOPT_HTTPGET, 1))
        case "HEAD":
            results.append(ccurl_setopt_long(handle, CURLOPT_NOBODY, 1))
        default:
            results.append(ccurl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, request.body.count))
            // COPYPOSTFIELDS copies, so the Swift array need not outlive this call; the size set
            // above lets bodies contain NUL bytes.
            // An empty array may have no storage at all; one NUL byte with size 0 sends nothing.
            let bytes = request.body.isEmpty ? [0] : request.body
            results.append(bytes.withUnsafeBytes {
                ccurl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0.baseAddress))
            })
            if method != "POST" {
                results.append(ccurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method))
            }
        }
        return results
    }
}
