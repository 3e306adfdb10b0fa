/// How personal data looks in responses and logs for anyone not entitled to see it whole.
public enum Masking {
    /// `4501**********1234`
    public static func idNumber(_ s: String) -> String {
        guard s.count > 8 else { return String(repeating: "*", count: s.count) }
        return String(s.prefix(4)) + String(repeating: "*", count: s.count - 8) + String(s.suffix(4))
    }

    /// `138****5678`
    public static func phone(_ s: String) -> String {
        guard s.count > 7 else { return String(repeating: "*", count: s.count) }
        return String(s.prefix(3)) + String(repeating: "*", count: s.count - 7) + String(s.suffix(4))
    }

    /// `张*`, `欧阳**`: the first character of a two-character name, the first one or two of longer ones.
    public static func name(_ s: String) -> String {
        let chars = Array(s)
        switch chars.count {
        case 0: return ""
        case 1: return "*"
        case 2, 3: return String(chars[0]) + String(repeating: "*", count: chars.count - 1)
        default: return String(chars[0..<2]) + String(repeating: "*", count: chars.count - 2)
        }
    }
}
