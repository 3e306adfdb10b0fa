import Foundation

/// Chooses the deployment's crypto profile (`HUIMIN_CRYPTO`).
public enum CryptoProfiles {

    public static func load(name: String, keysDirectory: URL,
                            clock: any HuiminClock = SystemClock()) throws -> any CryptoProfile {
        switch name {
        case "gm": try GMCryptoProfile(keysDirectory: keysDirectory, clock: clock)
        case "intl": try IntlCryptoProfile(keysDirectory: keysDirectory, clock: clock)
        default: throw AppError("crypto_profile_unknown", status: 500,
                                "The crypto profile must be \"gm\" or \"intl\".")
        }
    }
}
