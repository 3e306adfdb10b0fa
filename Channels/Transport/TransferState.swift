import Foundation
import CCurl

/// Collects one transfer's status, headers and body as libcurl hands them over. Lives for one
/// `curl_easy_perform` on one thread; the callbacks reach it through an unretained pointer.
final class TransferState {
    let maxBodyBytes: Int
    let cancellation: CancellationFlag
    var body: [UInt8] = []
    var headers: [String: String] = [:]
    var bodyTooLarge = false

    init(maxBodyBytes: Int, cancellation: CancellationFlag) {
        self.maxBodyBytes = maxBodyBytes
        self.cancellation = cancellation
    }

    var pointer: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    static func from(_ pointer: UnsafeMutableRawPointer?) -> TransferState {
        Unmanaged<TransferState>.fromOpaque(pointer!).takeUnretainedValue()
    }

    func receiveHeaderLine(_ line: String) {
        // A new status line starts a new header block (after 100 Continue or a proxy CONNECT).
        if line.hasPrefix("HTTP/") {
            headers = [:]
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        if let existing = headers[name] {
            headers[name] = existing + ", " + value
        } else {
            headers[name] = value
        }
    }

    /// Returning fewer bytes than offered makes libcurl stop with CURLE_WRITE_ERROR.
    static let writeBody: ccurl_data_callback = { data, size, count, context in
        let state = TransferState.from(context)
        let length = size * count
        guard state.body.count + length <= state.maxBodyBytes else {
            state.bodyTooLarge = true
            return 0
        }
        if let data {
            data.withMemoryRebound(to: UInt8.self, capacity: length) {
                state.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
            }
        }
        return length
    }

    static let writeHeader: ccurl_data_callback = { data, size, count, context in
        let length = size * count
        if let data {
            let line = data.withMemoryRebound(to: UInt8.self, capacity: length) {
                String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
            }
            TransferState.from(context).receiveHeaderLine(line)
        }
        return length
    }

    /// Polled by libcurl about once a second and on every chunk; non-zero aborts the transfer.
    static let checkCancelled: ccurl_progress_callback = { context, _, _, _, _ in
        TransferState.from(context).cancellation.isCancelled ? 1 : 0
    }
}
