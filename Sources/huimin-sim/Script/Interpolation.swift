/// `${name}` substitution. A name that was never set is an error rather than an empty string,
/// so a step that depends on a failed earlier one fails loudly instead of sending garbage.
enum Interpolation {
    static func expand(_ text: String, _ variables: [String: String]) throws(SimFailure) -> String {
        var result = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            result += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                throw SimFailure("'${' without a closing '}'")
            }
            let name = String(rest[start.upperBound..<end])
            guard let value = variables[name] else { throw SimFailure("variable ${\(name)} is not set") }
            result += value
            rest = rest[rest.index(after: end)...]
        }
        return result + rest
    }
}
