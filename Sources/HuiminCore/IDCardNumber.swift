import Foundation

/// A mainland resident ID number (居民身份证号码, GB 11643-1999): 6-digit region, 8-digit birth
/// date, 3-digit sequence (odd = male), and an ISO 7064 MOD 11-2 check character.
public struct IDCardNumber: Sendable, Hashable {
    /// Upper-case, 18 characters.
    public let value: String
    public let birthDate: DateComponents
    public let sex: Sex

    public enum Sex: String, Sendable, Codable { case male, female }

    private static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    private static let checkChars: [Character] = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]

    /// The ISO 7064 MOD 11-2 check character of the first 17 digits (non-digits count as 0).
    public static func checkCharacter(for first17: some StringProtocol) -> Character {
        let digits = first17.prefix(17).map { $0.wholeNumberValue ?? 0 }
        return checkChars[zip(digits, weights).reduce(0) { $0 + $1.0 * $1.1 } % 11]
    }

    /// Validates `raw`; each way it can be wrong has its own error code so the mini-program can say
    /// exactly what to fix. `today` bounds the birth date.
    public init(_ raw: String, today: Date) throws(AppError) {
        let text = raw.trimmingCharacters(in: .whitespaces).uppercased()
        guard text.count == 18 else {
            throw .invalid("id_number_length", "An ID card number has 18 characters.")
        }
        let chars = Array(text)
        guard chars[0..<17].allSatisfy({ $0.isASCII && $0.isNumber }),
              chars[17].isASCII && (chars[17].isNumber || chars[17] == "X") else {
            throw .invalid("id_number_format", "An ID card number is 17 digits followed by a digit or X.")
        }
        let digits = chars[0..<17].map { Int(String($0))! }
        guard Self.checkCharacter(for: text) == chars[17] else {
            throw .invalid("id_number_checksum", "The ID card number's check digit does not match; please check the number.")
        }
        guard digits[0] >= 1 else {
            throw .invalid("id_number_region", "The ID card number does not start with a valid region code.")
        }
        let year = digits[6] * 1000 + digits[7] * 100 + digits[8] * 10 + digits[9]
        let month = digits[10] * 10 + digits[11]
        let day = digits[12] * 10 + digits[13]
        let cal = BusinessCalendar.calendar
        var comps = DateComponents(year: year, month: month, day: day)
        guard year >= 1800, (1...12).contains(month), (1...31).contains(day),
              let date = cal.date(from: comps),
              cal.component(.day, from: date) == day, cal.component(.month, from: date) == month else {
            throw .invalid("id_number_birth_date", "The birth date inside the ID card number is not a real date.")
        }
        guard date <= today else {
            throw .invalid("id_number_birth_date", "The birth date inside the ID card number is in the future.")
        }
        comps.calendar = cal
        self.value = text
        self.birthDate = comps
        self.sex = digits[16] % 2 == 1 ? .male : .female
    }

    public var masked: String { Masking.idNumber(value) }
}
