import Foundation

/// Line-based questions on the terminal. End of input (Ctrl-D) ends the session.
enum Prompt {
    struct EndOfInput: Error {}

    static func ask(_ label: String, default fallback: String? = nil) throws -> String {
        let hint = fallback.map { " [\($0)]" } ?? ""
        Console.write("\(label)\(hint): ")
        guard let line = readLine() else { throw EndOfInput() }
        let answer = line.trimmingWhitespace()
        return answer.isEmpty ? (fallback ?? "") : answer
    }

    /// A non-empty answer, asked again until given.
    static func require(_ label: String, default fallback: String? = nil) throws -> String {
        while true {
            let answer = try ask(label, default: fallback)
            if !answer.isEmpty { return answer }
        }
    }

    static func optional(_ label: String) throws -> String? {
        let answer = try ask(label + " (Enter to skip)")
        return answer.isEmpty ? nil : answer
    }

    static func confirm(_ label: String, default yes: Bool = true) throws -> Bool {
        let answer = try ask(label + (yes ? " (Y/n)" : " (y/N)")).lowercased()
        return answer.isEmpty ? yes : answer.hasPrefix("y")
    }

    /// A numbered menu; returns the index of the chosen entry, or nil for 0 (back).
    static func menu(_ title: String, _ entries: [String], back: String = "Back") throws -> Int? {
        Console.line("\n\(title)")
        for (index, entry) in entries.enumerated() { Console.line("  \(index + 1)) \(entry)") }
        Console.line("  0) \(back)")
        while true {
            let answer = try ask("Choose")
            if answer == "0" { return nil }
            if let number = Int(answer), (1...entries.count).contains(number) { return number - 1 }
        }
    }
}
