import Foundation

/// WeChat's rules for the values of a subscribe message (订阅消息), by the type its key names:
/// `thing1` is a `thing`, `character_string2` a `character_string`. WeChat answers 47003 when a
/// value breaks its type's rule; checking first turns that into a local dead letter that names the
/// key, without spending the resident's one-time subscription on a send that cannot succeed.
public enum WeChatSubscribeValue {
    /// The key types WeChat defines; a key of any other type is refused.
    public static let types: Set<String> = [
        "thing", "number", "letter", "symbol", "character_string", "time", "date", "amount",
        "phone_number", "car_number", "name", "phrase",
    ]

    /// `character_string3` -> `character_string`: the key without its trailing digits.
    public static func type(ofKey key: String) -> String {
        String(key.reversed().drop(while: \.isASCIIDigit).reversed())
    }

    /// The first rule the data breaks, as `(key, why)`; nil when every value is acceptable.
    public static func violation(in data: [String: String]) -> (key: String, reason: String)? {
        for key in data.keys.sorted() {
            if let reason = violation(type: type(ofKey: key), value: data[key] ?? "") {
                return (key, reason)
            }
        }
        return nil
    }

    /// Why `value` is not a valid `type`, or nil.
    public static func violation(type: String, value: String) -> String? {
        let characters = Array(value)
        guard !characters.isEmpty else { return "is empty" }
        switch type {
        case "thing":
            return characters.count <= 20 ? nil : "is longer than 20 characters"
        case "number":
            return characters.count <= 32 && isNumber(value) ? nil : "is not a number of at most 32 digits"
        case "letter":
            return characters.count <= 32 && characters.allSatisfy(\.isASCIILetter) ? nil
                : "is not at most 32 letters"
        case "symbol":
            return characters.count <= 5 && characters.allSatisfy(isSymbol) ? nil : "is not at most 5 symbols"
        case "character_string":
            return characters.count <= 32 && characters.allSatisfy({ $0.isASCII && !$0.isWhitespace }) ? nil
                : "is not at most 32 letters, digits and symbols"
        case "time", "date":
            return isDateOrTime(value) ? nil : "is not a date or time"
        case "amount":
            return isAmount(value) ? nil : "is not an amount (¥12.50 or 12.50元)"
        case "phone_number":
            return characters.count <= 17 && characters.allSatisfy({ $0.isASCIIDigit || "+- ".contains($0) }) ? nil
                : "is not a phone number of at most 17 digits"
        case "car_number":
            return characters.count <= 8 && isCarNumber(characters) ? nil : "is not a licence plate"
        case "name":
            // 10 Chinese characters, or 20 letters.
            let limit = characters.allSatisfy(\.isHan) ? 10 : 20
            return characters.count <= limit && characters.allSatisfy({ $0.isHan || $0.isASCIILetter || $0 == " " })
                ? nil : "is not a name of at most 10 Chinese characters or 20 letters"
        case "phrase":
            return characters.count <= 5 && characters.allSatisfy(\.isHan) ? nil
                : "is not a phrase of at most 5 Chinese characters"
        default:
            return "has a key type WeChat does not know"
        }
    }

    static func isNumber(_ value: String) -> Bool {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        let digits = parts.first.map { $0.hasPrefix("-") ? $0.dropFirst() : $0 } ?? ""
        return (1...2).contains(parts.count) && !digits.isEmpty && digits.allSatisfy(\.isASCIIDigit)
            && (parts.count == 1 || (!parts[1].isEmpty && parts[1].allSatisfy(\.isASCIIDigit)))
    }

    static func isSymbol(_ c: Character) -> Bool {
        c.isASCII && !c.isLetter && !c.isNumber && !c.isWhitespace
    }

    /// `2026-11-24`, `2026年11月24日`, `15:01`, `2026-11-24 15:01(:30)`, `2026年11月24日 15:01`, `2026/11/24`.
    static func isDateOrTime(_ value: String) -> Bool {
        let allowed = Set("0123456789-/:年月日 ~")
        guard value.allSatisfy({ allowed.contains($0) }), value.contains(where: \.isASCIIDigit) else { return false }
        return value.count <= 40
    }

    /// An optional currency sign, at most 10 integer digits, an optional 1–2 digit fraction, an optional 元.
    static func isAmount(_ value: String) -> Bool {
        var text = Substring(value)
        if let first = text.first, "¥￥$".contains(first) { text = text.dropFirst() }
        if text.hasSuffix("元") { text = text.dropLast() }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = parts.first, (1...10).contains(whole.count),
              whole.allSatisfy(\.isASCIIDigit) else { return false }
        return parts.count == 1 || ((1...2).contains(parts[1].count) && parts[1].allSatisfy(\.isASCIIDigit))
    }

    /// `粤B12345`, `京A·D1234`, `粤B1234学`: a province character, then letters and digits.
    static func isCarNumber(_ characters: [Character]) -> Bool {
        guard characters.count >= 7, let first = characters.first, first.isHan else { return false }
        return characters.dropFirst().enumerated().allSatisfy { index, c in
            c.isASCIILetter || c.isASCIIDigit || c == "·" || (index == characters.count - 2 && c.isHan)
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
    var isASCIILetter: Bool { isASCII && isLetter }
    /// A CJK unified ideograph (the basic block and extension A).
    var isHan: Bool {
        guard let scalar = unicodeScalars.first, unicodeScalars.count == 1 else { return false }
        return (0x4E00...0x9FFF).contains(scalar.value) || (0x3400...0x4DBF).contains(scalar.value)
    }
}
