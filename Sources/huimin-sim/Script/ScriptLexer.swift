/// The character-level rules of the script language: comments, quoting, `-> target`.
enum ScriptLexer {
    /// Drops a `#` comment: one at the start of the line or after whitespace, outside quotes (so
    /// `#` inside a JSON string or a word such as `a#b` stays).
    static func stripComment(_ line: String) -> String {
        var inQuotes = false
        var escaped = false
        var previous: Character = " "
        var result = ""
        for character in line {
            if escaped {
                escaped = false
            } else if character == "\\" && inQuotes {
                escaped = true
            } else if character == "\"" {
                inQuotes.toggle()
            } else if character == "#" && !inQuotes && previous.isWhitespace {
                break
            }
            result.append(character)
            previous = character
        }
        return result.trimmingTrailingWhitespace()
    }

    /// Splits off a trailing `-> name`.
    static func splitTarget(_ line: String) -> (body: String, target: String?) {
        guard let arrow = line.range(of: "->", options: .backwards) else { return (line, nil) }
        let name = line[arrow.upperBound...].trimmingCharacters(in: .whitespaces)
        let before = line[..<arrow.lowerBound]
        guard isVariableName(name), before.last?.isWhitespace ?? false else { return (line, nil) }
        return (String(before).trimmingTrailingWhitespace(), name)
    }

    /// Splits on whitespace; double quotes group words and are removed (`name="张 三"` is one
    /// word `name=张 三`); inside quotes `\"` and `\\` escape.
    static func words(_ text: String) throws(LexError) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var inQuotes = false
        var escaped = false
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
            } else if inQuotes && character == "\\" {
                escaped = true
            } else if character == "\"" {
                inQuotes.toggle()
                inWord = true
            } else if character.isWhitespace && !inQuotes {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(character)
                inWord = true
            }
        }
        guard !inQuotes else { throw LexError(message: "a quote is not closed") }
        if inWord { words.append(current) }
        return words
    }

    /// A `key=value` word, with a lower-case key such as `id`, `openid` or `self_id`.
    static func option(_ word: String) -> (key: String, value: String)? {
        guard let equals = word.firstIndex(of: "=") else { return nil }
        let key = String(word[..<equals])
        guard let first = key.first, first.isLowercase, first.isASCII,
              key.allSatisfy({ ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" || $0 == "_" }) else { return nil }
        return (key, String(word[word.index(after: equals)...]))
    }

    static func isVariableName(_ text: some StringProtocol) -> Bool {
        guard let first = text.first, first.isLetter || first == "_" else { return false }
        return text.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "_" }
    }

    struct LexError: Error { let message: String }
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        var copy = self
        while copy.last?.isWhitespace ?? false { copy.removeLast() }
        return copy
    }

    func trimmingWhitespace() -> String {
        var copy = trimmingTrailingWhitespace()
        while copy.first?.isWhitespace ?? false { copy.removeFirst() }
        return copy
    }
}
