import Foundation

/// A parsed JSON document, enough to build request bodies and to read responses by path.
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses any JSON text, including a bare fragment such as `"text"` or `42`.
    static func parse(_ text: String) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    static func parse(_ bytes: [UInt8]) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    }

    /// Looks a value up by a dotted path: `member.id`, `members[0].id` (or `members.0.id`),
    /// and `length` for the size of an array, object or string (`members.length`).
    /// `[field=value]` picks the first array element whose field reads `value`, as in
    /// `messages[event=queue.near_turn].urgent`: server lists have no fixed order a script can
    /// count on. An empty path (or `$`) is the whole document.
    func at(_ path: String) -> JSONValue? {
        var current = self
        for segment in Self.segments(of: path) {
            guard let next = current.child(segment) else { return nil }
            current = next
        }
        return current
    }

    /// Splits on dots, except inside brackets: a filter's value may hold dots
    /// (`[event=appointment.booked]`).
    static func segments(of path: String) -> [String] {
        let trimmed = path.hasPrefix("$") ? path.dropFirst() : Substring(path)
        var segments: [String] = []
        var current = ""
        var inBrackets = false
        for character in trimmed {
            switch (character, inBrackets) {
            case ("]", true), ("[", false), (".", false):
                if !current.isEmpty || character == "]" { segments.append(current) }
                current = ""
                inBrackets = character == "["
            default:
                current.append(character)
            }
        }
        if !current.isEmpty { segments.append(current) }
        return segments
    }

    private func child(_ segment: String) -> JSONValue? {
        switch self {
        case .object(let fields):
            if let value = fields[segment] { return value }
            return segment == "length" ? .number(Double(fields.count)) : nil
        case .array(let items):
            if segment == "length" { return .number(Double(items.count)) }
            if let equals = segment.firstIndex(of: "=") {
                let field = String(segment[..<equals])
                let wanted = segment[segment.index(after: equals)...]
                return items.first { $0.at(field)?.text == String(wanted) }
            }
            guard let index = Int(segment) else { return nil }
            let position = index < 0 ? items.count + index : index
            return items.indices.contains(position) ? items[position] : nil
        case .string(let text):
            return segment == "length" ? .number(Double(text.count)) : nil
        default:
            return nil
        }
    }

    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// A string as itself, anything else as compact JSON: what a transcript or a variable shows.
    var text: String {
        if case .string(let text) = self { return text }
        return json
    }

    /// Compact JSON text (object keys sorted, so output is stable).
    var json: String {
        switch self {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number):
            if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
            return String(number)
        case .string(let text): return Self.quoted(text)
        case .array(let items): return "[" + items.map(\.json).joined(separator: ",") + "]"
        case .object(let fields):
            let members = fields.keys.sorted().map { Self.quoted($0) + ":" + fields[$0]!.json }
            return "{" + members.joined(separator: ",") + "}"
        }
    }

    var bytes: [UInt8] { Array(json.utf8) }

    private static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

extension JSONValue: Decodable {
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let items = try? container.decode([JSONValue].self) {
            self = .array(items)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }
}

extension JSONValue {
    /// An object from optional fields: absent values are left out rather than sent as null.
    static func fields(_ fields: [String: JSONValue?]) -> JSONValue {
        .object(fields.compactMapValues { $0 })
    }
}
