import API
import ArgumentParser
import Foundation
import HuiminCore
import Logging
import Sandbox

/// What every command shares: the configuration from the environment, with the sandbox's Alipay,
/// WeChat Pay, UnionPay and medical-insurance test keys filled in when the channels point at the sandbox.
enum ServerSetup {
    static func configuration() throws -> Configuration {
        var configuration = Configuration()
        if configuration.sandboxEnabled {
            let keys = try SandboxKeys.loadOrCreate(directory: configuration.sandboxDirectory)
            if configuration.channels.alipayAppPrivateKeyPath == nil {
                configuration.channels.alipayAppPrivateKeyPath = keys.appPrivateKeyPath
            }
            if configuration.channels.alipayPublicKeyPath == nil {
                configuration.channels.alipayPublicKeyPath = keys.platformPublicKeyPath
            }
            configuration.channels.useSandboxWeChatPay(keyDirectory: configuration.sandboxDirectory)
            if configuration.channels.unionPayMerchantKeyPath == nil {
                configuration.channels.unionPayMerchantKeyPath = keys.unionPay.merchantPrivateKeyPath
            }
            if configuration.channels.unionPayPublicKeyPath == nil {
                configuration.channels.unionPayPublicKeyPath = keys.unionPay.platformPublicKeyPath
            }
            if configuration.channels.insurancePrivateKeyPath == nil {
                // The sandbox centre keeps its SM2 keys beside the Alipay sandbox keys.
                let insurance = try InsuranceSandboxKeys.loadOrCreate(
                    directory: URL(fileURLWithPath: keys.appPrivateKeyPath).deletingLastPathComponent())
                configuration.channels.insurancePrivateKeyPath = insurance.hospitalPrivateKeyPath
                configuration.channels.insuranceCentrePublicKeyPath = insurance.centrePublicKeyPath
            }
        }
        return configuration
    }

    /// The configured crypto profile alone, for key commands that need nothing else.
    static func crypto() throws -> any CryptoProfile {
        let configuration = try configuration()
        return try CryptoProfiles.load(name: configuration.cryptoProfile, keysDirectory: configuration.keysDirectory)
    }

    static func services(logger: Logger) throws -> HuiminServices {
        try HuiminServices(configuration: try configuration(), logger: logger)
    }

    /// Prints an AppError as `code: message` and exits non-zero instead of dumping a Swift error.
    static func reporting<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as AppError {
            FileHandle.standardError.write(Data("error \(error.code): \(error.message)\n".utf8))
            throw ExitCode(2)
        }
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
