import Database
import Foundation
import HuiminCore

/// The cart registry (心电图机): only a registered, enabled cart may upload, signing with the API
/// key issued to it here.
public struct ECGDevices: Sendable {
    let store: ECGStore
    let crypto: any CryptoProfile
    let clock: any HuiminClock

    public init(store: ECGStore, crypto: any CryptoProfile, clock: any HuiminClock) {
        self.store = store
        self.crypto = crypto
        self.clock = clock
    }

    public struct Issued: Codable, Sendable {
        public var deviceCode: String
        public var hospitalCode: String
        /// Shown once: the cart's X-Huimin-Key and the secret it signs with.
        public var apiKey: String
        public var apiSecret: String
    }

    public func register(deviceCode: String, hospitalCode: String, model: String, actor: AuditActor) async throws -> Issued {
        guard deviceCode.range(of: "^[A-Za-z0-9_.:-]{2,64}$", options: .regularExpression) != nil else {
            throw AppError.invalid("ecg_device_code_invalid", "A device ID is 2–64 letters, digits, '.', ':', '-' or '_'.")
        }
        let secret = Hex.encode(randomBytes(32))
        let keyID = TypedID.make("hk")
        try await store.registerDevice(deviceCode: deviceCode, hospitalCode: hospitalCode, model: String(model.prefix(100)),
                                       keyID: keyID, secretSealed: Data(try crypto.seal(Array(secret.utf8))), actor: actor,
                                       now: clock.now())
        return Issued(deviceCode: deviceCode, hospitalCode: hospitalCode, apiKey: keyID, apiSecret: secret)
    }

    /// The cart behind an authenticated integration key, refused unless registered and enabled.
    public func uploader(apiKeyID: String) async throws -> ECGDeviceRow {
        guard let device = try await store.device(apiKeyID: apiKeyID) else {
            throw AppError.forbidden("ecg_device_unknown", "This key does not belong to a registered ECG cart.")
        }
        guard device.enabled else {
            throw AppError.forbidden("ecg_device_disabled", "This ECG cart is disabled; ask the ECG centre to enable it.")
        }
        return device
    }
}
