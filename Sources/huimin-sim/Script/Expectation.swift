import Foundation

/// A check on the last response:
///   expect status 201
///   expect error sms_code_invalid
///   expect json member.idNumber == "1101**********002X"     (also != < <= > >= contains matches)
///   expect json members.length == 2
///   expect json self exists | expect json self missing          (missing: absent or null)
enum Expectation: Sendable, Equatable {
    case status(Int)
    case error(String)
    case json(path: String, check: Check)

    enum Check: Sendable, Equatable {
        case exists
        case missing
        /// The expected text is kept raw: it may hold `${variables}` and is read as JSON (or, failing
        /// that, as a bare string) when the step runs.
        case compare(Operator, String)
    }

    enum Operator: String, Sendable, CaseIterable {
        case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
        case contains, matches
    }

    static func parse(_ text: String) throws(SimFailure) -> Expectation {
        let words = text.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: true).map(String.init)
        switch (words.first, words.count) {
        case ("status", 2):
            guard let status = Int(words[1]) else { throw SimFailure("expect status takes a number") }
            return .status(status)
        case ("error", 2):
            return .error(words[1])
        case ("json", 3) where words[2] == "exists":
            return .json(path: words[1], check: .exists)
        case ("json", 3) where words[2] == "missing":
            return .json(path: words[1], check: .missing)
        case ("json", 4):
            guard let op = Operator(rawValue: words[2]) else {
                throw SimFailure("unknown comparison '\(words[2])'; use one of \(Operator.allCases.map(\.rawValue).joined(separator: " "))")
            }
            return .json(path: words[1], check: .compare(op, words[3].trimmingWhitespace()))
        default:
            throw SimFailure("expect status N | error CODE | json PATH (== != < <= > >= contains matches) VALUE | json PATH exists | json PATH missing")
        }
    }

    /// Checks `response`; the text says what was seen either way, for the transcript.
    func evaluate(_ response: SimResponse?, variables: [String: String]) throws(SimFailure) -> (passed: Bool, detail: String) {
        guard let response else { throw SimFailure("there is no response to check yet") }
        switch self {
        case .status(let expected):
            let seen = response.status == expected ? "" : ", got \(response.errorLine)"
            return (response.status == expected, "status \(expected)\(seen)")
        case .error(let code):
            let seen = response.errorCode == code ? "" : ", got \(response.errorCode.map { _ in response.errorLine } ?? "HTTP \(response.status)")"
            return (response.errorCode == code && !response.isSuccess, "error \(code) (HTTP \(response.status))\(seen)")
        case .json(let rawPath, let check):
            // A path may name a variable too: `bookings[id=${booking}].state`.
            let path = try Interpolation.expand(rawPath, variables)
            let actual = response.json?.at(path)
            switch check {
            case .exists:
                return (actual != nil, "json \(path) exists" + (actual == nil ? ", but it is missing" : ""))
            case .missing:
                // Absent and null alike: encoders differ on whether a nil field is written at all.
                let present = actual.flatMap { $0 == .null ? nil : $0 }
                return (present == nil, "json \(path) missing" + (present.map { ", but it is \($0.json)" } ?? ""))
            case .compare(let op, let raw):
                let expectedText = try Interpolation.expand(raw, variables)
                let passed = actual.map { Self.compare($0, op, expectedText) } ?? false
                let seen = passed ? "" : ", got \(actual?.json ?? "nothing")"
                return (passed, "json \(path) \(op.rawValue) \(expectedText)\(seen)")
            }
        }
    }

    static func compare(_ actual: JSONValue, _ op: Operator, _ expectedText: String) -> Bool {
        let expected = JSONValue.parse(expectedText) ?? .string(expectedText)
        switch op {
        case .equal: return actual == expected
        case .notEqual: return actual != expected
        case .contains:
            if case .array(let items) = actual { return items.contains(expected) }
            return actual.text.contains(expected.text)
        case .matches:
            return actual.text.range(of: expectedText, options: .regularExpression) != nil
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            guard case .number(let left) = actual, case .number(let right) = expected else { return false }
            switch op {
            case .less: return left < right
            case .lessOrEqual: return left <= right
            case .greater: return left > right
            default: return left >= right
            }
        }
    }
}
