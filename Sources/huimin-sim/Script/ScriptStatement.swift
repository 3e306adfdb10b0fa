/// One line of a `.sim` script after parsing; values still hold `${variables}`, which are
/// expanded when the step runs because earlier steps set them.
struct ScriptStatement: Sendable, Equatable {
    let line: Int
    let command: String
    /// Positional words, quotes removed.
    let arguments: [String]
    /// `key=value` words.
    let options: [String: String]
    /// Everything after the command word (without the comment and `-> target`), for commands
    /// whose syntax is free text: `request`, `echo`, `expect`.
    let rest: String
    /// The variable named by a trailing `-> name`.
    let target: String?
    /// The line as written (without its comment), for the transcript.
    let text: String
}

struct ScriptError: Error, Equatable, CustomStringConvertible {
    let file: String
    let line: Int
    let message: String

    var description: String { "\(file):\(line): \(message)" }
}
