/// A mainland mobile number, normalised to its 11 digits (`+86`/`86` prefixes and separators removed).
public struct PhoneNumber: Sendable, Hashable {
    public let value: String

    public init(_ raw: String) throws(AppError) {
        var digits = raw.filter { $0.isASCII && $0.isNumber }
        if digits.count == 13 && digits.hasPrefix("86") { digits.removeFirst(2) }
        let chars = Array(digits)
        guard chars.count == 11, chars[0] == "1", ("3"..."9").contains(chars[1]) else {
            throw .invalid("phone_invalid", "A mobile number is 11 digits starting with 13 to 19.")
        }
        value = digits
    }

    public var masked: String { Masking.phone(value) }
}
