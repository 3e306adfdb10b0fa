import API
import ArgumentParser
import Database
import Foundation
import HuiminCore
import Logging
import Payments

/// `huimin reconcile …`: a cashier's (or a nightly job's) reconciliation from the command line,
/// against the database under HUIMIN_DATA. Changes are audited as made by `cli:<user>`.
struct Reconcile: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Three-way reconciliation (对账) of a business day for a merchant: upload files, run, list, resolve, close (日结).",
        subcommands: [Upload.self, Fetch.self, Run.self, Differences.self, Resolve.self, Close.self])

    struct Day: ParsableArguments {
        @Option(help: "The business day, YYYY-MM-DD (Asia/Shanghai).") var day: String
        @Option(help: "The merchant ID (mch_…; see GET /api/v1/staff/merchants).") var merchant: String
    }

    static var actor: AuditActor {
        AuditActor(kind: "staff", id: "cli:" + (ProcessInfo.processInfo.environment["USER"] ?? "unknown"))
    }

    struct Upload: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import the channel's bill (WeChat Pay CSV or gzip, Alipay zip or CSV) or the HIS settlement file, with a progress bar.")
        @OptionGroup var day: Day
        @Option(help: "channel or his.") var side: String
        @Argument(help: "The file.") var file: String

        func run() async throws {
            guard let side = ReconciliationService.Side(rawValue: side) else { throw ValidationError("--side is channel or his") }
            let bytes = try ProgressRead.read(file)
            let services = try ServerSetup.services(logger: Logger(label: "huimin.reconcile"))
            let view = try await ServerSetup.reporting {
                try await services.reconciliation.upload(day: day.day, merchantID: day.merchant, side: side, bytes: bytes, actor: Reconcile.actor)
            }
            print(try ServerSetup.json(view))
        }
    }

    struct Fetch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take the channel's bill from the channel (an insurance merchant's: the centre's daily detail), or the HIS settlement file from the hospital's HIS, instead of uploading it.")
        @OptionGroup var day: Day
        @Option(help: "channel or his.") var side: String

        func run() async throws {
            guard let side = ReconciliationService.Side(rawValue: side) else { throw ValidationError("--side is channel or his") }
            let services = try ServerSetup.services(logger: Logger(label: "huimin.reconcile"))
            let view = try await ServerSetup.reporting {
                try await services.reconciliation.fetch(day: day.day, merchantID: day.merchant, side: side, actor: Reconcile.actor)
            }
            print(try ServerSetup.json(view))
        }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Match the day's three sides; without an uploaded bill the channel's bill is downloaded.")
        @OptionGroup var day: Day

        func run() async throws {
            let services = try ServerSetup.services(logger: Logger(label: "huimin.reconcile"))
            let result = try await ServerSetup.reporting {
                try await services.reconciliation.run(day: day.day, merchantID: day.merchant, actor: Reconcile.actor)
            }
            print(try ServerSetup.json(result))
        }
    }

    struct Differences: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The day's differences as JSON, or as CSV with --csv.")
        @OptionGroup var day: Day
        @Option(help: "Only this kind (channel_only, huimin_only, his_missing, his_only, amount_mismatch, status_mismatch, duplicate_payment).")
        var kind: String?
        @Option(help: "Only open, resolved or gone.") var state: String?
        @Flag(help: "CSV (UTF-8 with BOM) instead of JSON.") var csv = false

        func run() async throws {
            let services = try ServerSetup.services(logger: Logger(label: "huimin.reconcile"))
            if csv {
                let bytes = try await ServerSetup.reporting {
                    try await services.reconciliation.differencesCSV(day: day.day, merchantID: day.merchant)
                }
                FileHandle.standardOutput.write(Data(bytes))
            } else {
                let list = try await ServerSetup.reporting {
                    try await services.reconciliation.differences(day: day.day, merchantID: day.merchant, kind: kind, state: state)
                }
                print(try ServerSetup.json(list))
            }
        }
    }

    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resolve one difference with an action and a note.")
        @OptionGroup var day: Day
        @Option(help: "The difference ID.") var difference: String
        @Option(help: "repost_to_his, refund, make_up_order, write_off or investigate.") var action: String
        @Option(help: "What was done and why (1 to 200 characters).") var note: String

        func run() async throws {
            let services = try ServerSetup.services(logger: Logger(label: "huimin.reconcile"))
            let resolved = try await ServerSetup.reporting {
                try await services.reconciliation.resolve(day: day.day, merchantID: day.merchant, differenceID: difference, action: action,
                                                          note: note, actor: Reconcile.actor)
            }
            print(try ServerSetup.json(resolved))
        }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close the day (日结): it must have been run and have nothing open.")
        @OptionGroup var day: Day

        func run() async throws {
            let services = try ServerSetup.services(logger: Logger(label: "huimin.reconcile"))
            let closed = try await ServerSetup.reporting {
                try await services.reconciliation.close(day: day.day, merchantID: day.merchant, actor: Reconcile.actor)
            }
            print(try ServerSetup.json(closed))
        }
    }
}

/// Reads a (possibly very large) file in chunks, drawing a progress bar on standard error when
/// it is a terminal, and a line per quarter otherwise (for logs).
enum ProgressRead {
    static func read(_ path: String) throws -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ValidationError("cannot open \(path)") }
        defer { try? handle.close() }
        let total = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        var bytes: [UInt8] = []
        bytes.reserveCapacity(total)
        let terminal = isatty(STDERR_FILENO) == 1
        var shownQuarter = -1
        while let chunk = try handle.read(upToCount: 4 << 20), !chunk.isEmpty {
            bytes.append(contentsOf: chunk)
            guard total > 0 else { continue }
            let fraction = min(1, Double(bytes.count) / Double(total))
            if terminal {
                let filled = Int(fraction * 30)
                let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: 30 - filled)
                FileHandle.standardError.write(Data(String(format: "\rreading [%@] %3.0f%% %d/%d MB", bar, fraction * 100,
                                                           bytes.count >> 20, total >> 20).utf8))
            } else if Int(fraction * 4) > shownQuarter {
                shownQuarter = Int(fraction * 4)
                FileHandle.standardError.write(Data("reading \(shownQuarter * 25)% (\(bytes.count >> 20)/\(total >> 20) MB)\n".utf8))
            }
        }
        if terminal && total > 0 { FileHandle.standardError.write(Data("\n".utf8)) }
        return bytes
    }
}
