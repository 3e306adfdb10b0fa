import Foundation
import Synchronization
import Workers

/// A test job carrying a phone number, the kind of personal data job payloads hold.
struct NoticeJob: JobPayload, Equatable {
    static let kind = "test.notice"
    var phone: String
    var text: String
}

/// Fails with the scripted errors in order, then succeeds; records every payload it ran with.
final class ScriptedHandler: JobHandler {
    private let script: Mutex<[any Error]>
    private let seen = Mutex<[NoticeJob]>([])

    init(failures: [any Error] = []) {
        script = Mutex(failures)
    }

    var runs: [NoticeJob] { seen.withLock { $0 } }

    func run(_ payload: NoticeJob) async throws {
        seen.withLock { $0.append(payload) }
        if let failure = script.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) {
            throw failure
        }
    }

    var registry: JobHandlerRegistry {
        var registry = JobHandlerRegistry()
        registry.register(self)
        return registry
    }
}
