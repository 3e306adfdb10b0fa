import API
import ArgumentParser
import Foundation
import HuiminCore
import Logging

/// `huimin store …`: the object store's upkeep, for hospital IT.
struct Store: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The object store: verify blobs against their hashes, sweep unreferenced ones, show usage per hospital.",
        subcommands: [Verify.self, Sweep.self, Usage.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Re-hash every blob and list the ones whose bytes changed (exit 1 if any).")

        func run() async throws {
            let services = try ServerSetup.services(logger: Logger(label: "huimin.store"))
            let result = try services.imaging.sweep.verify()
            print("checked \(result.checked) blobs, \(result.corrupt.count) corrupt")
            for key in result.corrupt { print("corrupt \(key)") }
            if !result.corrupt.isEmpty { throw ExitCode(1) }
        }
    }

    struct Sweep: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove blobs nothing references that were last written before the grace period.")
        @Option(help: "Grace period in seconds (a blob younger than this may belong to an ingest in flight).") var grace: Double = 3600

        func run() async throws {
            let services = try ServerSetup.services(logger: Logger(label: "huimin.store"))
            let outcome = try await services.imaging.sweep.run(grace: grace)
            print("examined \(outcome.examined), removed \(outcome.removed), freed \(outcome.bytesFreed) bytes")
        }
    }

    struct Usage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Blobs and bytes each hospital's files and renderings hold.")

        func run() async throws {
            let services = try ServerSetup.services(logger: Logger(label: "huimin.store"))
            print(try ServerSetup.json(try await services.imaging.index.usageByHospital()))
        }
    }
}
