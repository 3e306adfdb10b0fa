import ArgumentParser
import Database
import Foundation
import HuiminCore

/// `huimin bench seed-residents --count N`: N real-named WeChat residents in the database under
/// HUIMIN_DATA (openids `obench00000001`…, phones 1390000…, names 测试居民N), for the dispatch
/// benchmark and the broadcast crash test (assets/bench/broadcast-crash.sh). Running it again
/// adds only those missing.
struct SeedResidentsBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "seed-residents",
                                                    abstract: "Add N real-named WeChat residents for the messaging benchmarks.")

    @Option(help: "How many residents.") var count = 100_000

    func run() async throws {
        guard (1...1_000_000).contains(count) else { throw ValidationError("--count must be 1 to 1,000,000") }
        let configuration = try ServerSetup.configuration()
        try FileManager.default.createDirectory(at: configuration.dataDirectory, withIntermediateDirectories: true)
        let database = try AppDatabase(path: configuration.databasePath)
        let crypto = try CryptoProfiles.load(name: configuration.cryptoProfile, keysDirectory: configuration.keysDirectory)
        let started = ContinuousClock.now
        var added = 0
        for chunk in stride(from: 1, through: count, by: 5_000) {
            let residents = try (chunk..<min(chunk + 5_000, count + 1)).map { n in
                let phone = String(format: "139%08d", n), idNumber = String(format: "BENCH%013d", n)
                return BenchSeeding.Resident(
                    openID: String(format: "obench%08d", n), nameSealed: Data(try crypto.seal(Array("测试居民\(n)".utf8))),
                    idNumberIndex: crypto.blindIndex("id:" + idNumber), idNumberSealed: Data(try crypto.seal(Array(idNumber.utf8))),
                    phoneIndex: crypto.blindIndex("phone:" + phone), phoneSealed: Data(try crypto.seal(Array(phone.utf8))))
            }
            added += try await BenchSeeding.insert(residents, appID: configuration.channels.wechatAppID, database: database,
                                                   now: Date())
        }
        print("seeded \(added) residents (\(count - added) were there already) in \(ContinuousClock.now - started)")
    }
}
