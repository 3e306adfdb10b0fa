import Foundation
import HuiminCore

/// Who the sandbox insurance centre is and whom it serves. The defaults match
/// `Configuration.ChannelSettings` (and `Insurance.InsuranceConfiguration.Sandbox`).
public struct InsuranceSandboxSettings: Sendable {
    /// 定点医药机构 the centre knows: code -> name.
    public var hospitals = ["H45010200001": "惠民示范医院", "H45010200002": "惠民示范医院东院区"]
    /// 就医地医保区划 of every hospital above; residents insured here have it as 参保地 too.
    public var areaCode = "450102"
    public var receiverSystemCode = "HSA_MOBILE"
    /// The personal-account balance of an insured person the fixtures do not name (800.00 yuan).
    public var defaultBalanceFen: Int64 = 80_000
    /// How long a `payAuthNo` stays usable after the resident authorises.
    public var authCodeTTL: TimeInterval = 300
    /// Where the SM2 key files live; nil puts them beside the Alipay sandbox keys.
    public var keysDirectory: URL?

    public init() {}
}

/// The two SM2 key pairs of the insurance world, kept as PEM files so Huimin and the sandbox agree
/// across restarts: the hospital's (Huimin signs requests; the centre holds the public half) and
/// the centre's (it signs answers; Huimin verifies with the public half).
public struct InsuranceSandboxKeys: Sendable {
    public let hospitalPrivateKey: SM2PrivateKey
    public let centrePrivateKey: SM2PrivateKey
    /// `HUIMIN_INSURANCE_PRIVATE_KEY` for a Huimin pointed at the sandbox.
    public let hospitalPrivateKeyPath: String
    /// `HUIMIN_INSURANCE_CENTRE_PUBLIC_KEY` for a Huimin pointed at the sandbox.
    public let centrePublicKeyPath: String

    public static func loadOrCreate(directory: URL) throws -> InsuranceSandboxKeys {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let hospital = try pair(directory, "hospital")
        let centre = try pair(directory, "centre")
        return InsuranceSandboxKeys(hospitalPrivateKey: hospital.key, centrePrivateKey: centre.key,
                                    hospitalPrivateKeyPath: hospital.privatePath, centrePublicKeyPath: centre.publicPath)
    }

    /// The private file is the source of truth; a missing or stale public file is rewritten.
    private static func pair(_ directory: URL, _ name: String) throws -> (key: SM2PrivateKey, privatePath: String,
                                                                             publicPath: String) {
        let privatePath = directory.appendingPathComponent("insurance-\(name)-private.pem").path
        let publicPath = directory.appendingPathComponent("insurance-\(name)-public.pem").path
        let stored = try? String(contentsOfFile: privatePath, encoding: .utf8)
        let key = try stored.map(SM2PrivateKey.init(pem:)) ?? SM2PrivateKey.generate()
        if stored == nil { try SandboxKeys.write(key.pem, to: privatePath, permissions: 0o600) }
        if (try? String(contentsOfFile: publicPath, encoding: .utf8)) != key.publicKey.pem {
            try SandboxKeys.write(key.publicKey.pem, to: publicPath, permissions: 0o644)
        }
        return (key, privatePath, publicPath)
    }
}
