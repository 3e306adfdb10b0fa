import API
import Database
import ArgumentParser
import Foundation
import HuiminCore
import Logging
import Notices
import Residents

struct Admin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create staff users and hospital API keys.",
        subcommands: [StaffAdd.self, HospitalAdd.self, RevokeAPIKey.self, Jobs.self, Requeue.self, Keys.self, RotateKey.self,
                      TemplatesLoad.self])

    struct TemplatesLoad: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "templates-load",
            abstract: "Add the default message templates for every event and channel that has none (saved ones are kept).")

        @Option(help: "The templates file (default: HUIMIN_MESSAGE_TEMPLATES or assets/messaging/templates.json).")
        var file: String?

        func run() async throws {
            let logger = Logger(label: "huimin.admin")
            let services = try ServerSetup.services(logger: logger)
            let url = file.map { URL(fileURLWithPath: $0) } ?? Self.defaultFile
            let added = try await ServerSetup.reporting {
                try await services.templates.loadDefaults(from: try Self.read(url))
            }
            print("added \(added) templates from \(url.path)")
        }

        /// `assets/messaging/templates.json` under the working directory (the package root when run
        /// with `swift run`), unless `HUIMIN_MESSAGE_TEMPLATES` names another file.
        static var defaultFile: URL {
            URL(fileURLWithPath: ProcessInfo.processInfo.environment["HUIMIN_MESSAGE_TEMPLATES"] ?? "assets/messaging/templates.json")
        }

        static func read(_ url: URL) throws -> Data {
            do {
                return try Data(contentsOf: url)
            } catch {
                throw AppError.invalid("template_defaults_invalid", "Cannot read \(url.path).")
            }
        }

        /// At start: fills in defaults for events and channels without a template. A missing file
        /// is only a warning (templates can be loaded later); an invalid one stops the start.
        static func loadDefaults(_ services: HuiminServices, file: URL, logger: Logger) async throws {
            guard FileManager.default.fileExists(atPath: file.path) else {
                logger.warning("no default message templates", metadata: ["file": "\(file.path)"])
                return
            }
            let added = try await services.templates.loadDefaults(from: try read(file))
            if added > 0 { logger.info("default message templates added", metadata: ["count": "\(added)"]) }
        }
    }

    struct StaffAdd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "staff-add",
            abstract: "Create a staff user. The password comes from HUIMIN_STAFF_PASSWORD or the first line of standard input.")

        @Option(help: "Login name (lower-case letters, digits, . _ -).") var username: String
        @Option(help: "admin, cashier or operator.") var role: String

        func run() async throws {
            let password = ProcessInfo.processInfo.environment["HUIMIN_STAFF_PASSWORD"] ?? readLine(strippingNewline: true) ?? ""
            let services = try ServerSetup.services(logger: Logger(label: "huimin.admin"))
            let staff = try await ServerSetup.reporting { try await services.staff.create(username: username, password: password, role: role) }
            print(try ServerSetup.json(staff))
        }
    }

    struct HospitalAdd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hospital-add",
            abstract: "Connect a hospital and print a new API key and secret (shown once).")

        @Option(help: "Hospital code, e.g. H0001.") var code: String
        @Option(help: "Hospital name.") var name: String

        func run() async throws {
            let services = try ServerSetup.services(logger: Logger(label: "huimin.admin"))
            let key = try await ServerSetup.reporting { try await services.hospitals.issueKey(hospitalCode: code, name: name) }
            print(try ServerSetup.json(key))
        }
    }

    struct RevokeAPIKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "revoke-api-key",
            abstract: "Revoke a hospital API key (a running server stops accepting it within a minute).")

        @Argument(help: "The key ID (hk_…).") var key: String

        func run() async throws {
            let services = try ServerSetup.services(logger: Logger(label: "huimin.admin"))
            try await ServerSetup.reporting { try await services.hospitals.revokeKey(key) }
            print("revoked \(key)")
        }
    }

    struct Jobs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the job queue: jobs per state and the dead letters with their last error.")

        @Option(help: "How many dead letters to list.") var limit = 20

        func run() async throws {
            let services = try ServerSetup.services(logger: Logger(label: "huimin.admin"))
            let store = JobStore(database: services.database)
            for (state, count) in try await store.counts().sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                print("\(state.rawValue): \(count)")
            }
            for job in try await store.deadLetters(limit: limit) {
                print("dead \(job.id) \(job.kind) attempts=\(job.attempts) error=\(job.lastError ?? "-")")
            }
        }
    }

    struct Requeue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put a dead-lettered job back on the queue.")

        @Argument(help: "The job ID (job_…).") var id: String

        func run() async throws {
            let services = try ServerSetup.services(logger: Logger(label: "huimin.admin"))
            guard try await JobStore(database: services.database).requeue(id: id, now: services.clock.now()) else {
                FileHandle.standardError.write(Data("error job_not_dead: no dead job with that ID\n".utf8))
                throw ExitCode(2)
            }
            print("requeued \(id)")
        }
    }

    struct Keys: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the crypto profile's keys (IDs and purposes, never the material).")

        func run() async throws {
            let crypto = try ServerSetup.crypto()
            for entry in crypto.keyRing.all {
                print("\(entry.keyID) \(entry.purpose.rawValue) created=\(ISO8601.string(entry.createdAt))\(entry.active ? " active" : "")")
            }
        }
    }

    struct RotateKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-key",
            abstract: "Make a new active key for a purpose; older keys stay to verify and decrypt. Restart the server to use it.")

        @Option(help: "signing or field (the blind-index and token keys cannot rotate in place).") var purpose: String

        func run() async throws {
            guard let keyPurpose = KeyPurpose(rawValue: purpose) else {
                FileHandle.standardError.write(Data("error key_purpose_invalid: purpose is signing, field, index or token\n".utf8))
                throw ExitCode(2)
            }
            let crypto = try ServerSetup.crypto()
            let entry = try await ServerSetup.reporting { try crypto.keyRing.rotate(purpose: keyPurpose) }
            print("new active \(entry.purpose.rawValue) key \(entry.keyID)")
        }
    }
}
