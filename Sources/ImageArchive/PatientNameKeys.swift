import Foundation
import HuiminCore
import Imaging

/// Blind-index keys that let QIDO find a study by patient name while the name stays sealed.
/// A name yields its whole normalised form and every prefix (up to 8 characters) of each
/// component, over both the alphabetic and the ideographic groups, so `WANG*`, `王*`, an exact
/// `Wang^XiaoDong` and a fuzzy `xiao` all match without the name in clear.
struct PatientNameKeys {
    let crypto: any CryptoProfile

    static let maxPrefix = 8

    func keys(for name: PersonName) -> [String] {
        var keys: Set<String> = []
        for group in [name.alphabetic, name.ideographic] where !group.isEmpty {
            keys.insert(crypto.blindIndex("pn:" + Self.normalise(group)))
            for component in Self.components(group) {
                for length in 1...min(Self.maxPrefix, component.count) {
                    keys.insert(crypto.blindIndex("pnp:" + component.prefix(length)))
                }
            }
        }
        return keys.sorted()
    }

    /// The key a QIDO PatientName value is looked up by, or an error for patterns no key answers.
    func key(forQuery value: String, fuzzy: Bool) throws -> String {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        let pattern = trimmed.hasSuffix("*") ? String(trimmed.dropLast()) : trimmed
        guard !pattern.isEmpty, !pattern.contains("*"), !pattern.contains("?") else {
            throw AppError.invalid("qido_match_unsupported",
                                   "PatientName matches a whole name, or a name part by its beginning (Wang*, 王*).")
        }
        if trimmed.hasSuffix("*") || fuzzy {
            let component = Self.normalise(pattern)
            guard !component.contains("^") else {
                throw AppError.invalid("qido_match_unsupported", "A PatientName prefix is one name part (Wang*).")
            }
            return crypto.blindIndex("pnp:" + component.prefix(Self.maxPrefix))
        }
        return crypto.blindIndex("pn:" + Self.normalise(pattern))
    }

    /// Upper case, components trimmed and rejoined with `^`, trailing empty components dropped.
    static func normalise(_ group: String) -> String {
        var parts = group.split(separator: "^", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces).uppercased() }
        while parts.last?.isEmpty == true { parts.removeLast() }
        return parts.joined(separator: "^")
    }

    static func components(_ group: String) -> [String] {
        group.split(whereSeparator: { $0 == "^" || $0 == " " })
            .map { $0.trimmingCharacters(in: .whitespaces).uppercased() }
            .filter { !$0.isEmpty }
    }
}
