/// Turns a `.sim` file into statements, checking each against `ScriptCommand.all`.
enum ScriptParser {
    static func parse(_ source: String, file: String) throws(ScriptError) -> [ScriptStatement] {
        var statements: [ScriptStatement] = []
        for (index, rawLine) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let text = ScriptLexer.stripComment(String(rawLine)).trimmingWhitespace()
            guard !text.isEmpty else { continue }
            do {
                statements.append(try statement(text, line: index + 1))
            } catch {
                throw ScriptError(file: file, line: index + 1, message: error.description)
            }
        }
        return statements
    }

    static func statement(_ text: String, line: Int) throws(SimFailure) -> ScriptStatement {
        let (body, target) = ScriptLexer.splitTarget(text)
        let name = String(body.prefix { !$0.isWhitespace })
        let rest = String(body.dropFirst(name.count)).trimmingWhitespace()
        guard let command = ScriptCommand.named(name) else { throw SimFailure("unknown command '\(name)'") }
        if target != nil && command.saves == nil { throw SimFailure("\(name) saves nothing; remove '-> …'") }
        if command.name == "expect" { _ = try Expectation.parse(rest) }
        if command.freeText {
            guard command.minimumPositionals == 0 || !rest.isEmpty else { throw SimFailure("usage: \(command.usage)") }
            return ScriptStatement(line: line, command: name, arguments: [], options: [:], rest: rest, target: target, text: text)
        }
        let words: [String]
        do {
            words = try ScriptLexer.words(rest)
        } catch {
            throw SimFailure(error.message)
        }
        var arguments: [String] = []
        var options: [String: String] = [:]
        for word in words {
            if let (key, value) = ScriptLexer.option(word) { options[key] = value } else { arguments.append(word) }
        }
        try check(command, arguments: arguments, options: options)
        return ScriptStatement(line: line, command: name, arguments: arguments, options: options, rest: rest, target: target, text: text)
    }

    private static func check(_ command: ScriptCommand, arguments: [String], options: [String: String]) throws(SimFailure) {
        let usage = "usage: \(command.usage)"
        guard (command.minimumPositionals...command.positionals.count).contains(arguments.count) else { throw SimFailure(usage) }
        // `set` and `default` take any names; every other command only the options it declares.
        guard command.name != "set" && command.name != "default" else {
            guard !options.isEmpty else { throw SimFailure("usage: \(command.name) name=value …") }
            return
        }
        if let missing = command.required.subtracting(options.keys).sorted().first {
            throw SimFailure("\(command.name) needs \(missing)=…; \(usage)")
        }
        if let unknown = Set(options.keys).subtracting(command.required).subtracting(command.optional).sorted().first {
            throw SimFailure("\(command.name) does not take \(unknown)=…; \(usage)")
        }
    }
}
