import Foundation

/// Runs parsed statements against the server, keeping variables and the last response, and
/// counting expectations. A step that fails to run counts as a failure, and so does an API error
/// that the next line does not `expect`: a script never passes by ignoring a failed call.
final class ScriptRunner {
    let connection: SimConnection
    let transcript: Transcript
    let keepGoing: Bool
    private(set) var passed = 0
    private(set) var failed = 0
    private var variables: [String: String]
    private var last: SimResponse?

    init(connection: SimConnection, variables: [String: String] = [:], keepGoing: Bool) {
        self.connection = connection
        self.variables = variables
        self.transcript = connection.transcript
        self.keepGoing = keepGoing
    }

    /// Runs every statement; returns false when it stopped at a failure.
    func run(_ statements: [ScriptStatement]) async -> Bool {
        for (index, statement) in statements.enumerated() {
            let ok = statement.command == "expect" ? check(statement) : await perform(statement, next: statements[safe: index + 1])
            if !ok && !keepGoing { return false }
        }
        return true
    }

    private func check(_ statement: ScriptStatement) -> Bool {
        do {
            let (ok, detail) = try Expectation.parse(statement.rest).evaluate(last, variables: variables)
            return record(ok, "[\(statement.line)] expect \(detail)")
        } catch {
            return record(false, "[\(statement.line)] expect: \(error.description)")
        }
    }

    private func perform(_ statement: ScriptStatement, next: ScriptStatement?) async -> Bool {
        transcript.step(statement.line, statement.text)
        do {
            let outcome = try await ScriptActions(connection: connection, transcript: transcript, variables: variables, last: last)
                .perform(statement)
            if let response = outcome.response { last = response }
            for (name, value) in outcome.assignments { variables[name] = value }
            if let target = statement.target {
                variables[target] = outcome.value
                if outcome.value == nil { variables.removeValue(forKey: target) }
            }
            if let response = outcome.response, !response.isSuccess, next?.command != "expect" {
                return record(false, "unchecked \(response.errorLine); add an `expect` line if this is intended")
            }
            return true
        } catch let failure as SimFailure {
            return record(false, failure.description)
        } catch {
            return record(false, "\(error)")
        }
    }

    private func record(_ ok: Bool, _ text: String) -> Bool {
        if ok {
            passed += 1
            transcript.emit("✓ " + text)
        } else {
            failed += 1
            transcript.emit("✗ " + text)
        }
        return ok
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
