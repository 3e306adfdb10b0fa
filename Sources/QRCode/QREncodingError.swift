/// Why a text could not become a QR code. Carries the platform's stable error code so the API
/// can report it as `qr_encode_failed`; the reason never contains the text itself, which may
/// identify a person.
public struct QREncodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public let code = "qr_encode_failed"
    public let reason: String

    public init(reason: String) {
        self.reason = reason
    }

    public var description: String { "\(code): \(reason)" }
}
