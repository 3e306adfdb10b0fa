import HuiminCore
import Foundation

/// Made-up personal data for test scripts, so a script can run again against the same server
/// without tripping per-phone SMS limits or duplicate-member rules.
enum TestData {

    /// A mobile number in the 138 block (the sandbox delivers to any number).
    static func phone<R: RandomNumberGenerator>(using generator: inout R) -> String {
        "138" + String(format: "%08d", Int.random(in: 0..<100_000_000, using: &generator))
    }

    /// A resident ID number (GB 11643) with a correct check character.
    /// - Parameters:
    ///   - region: 6-digit administrative code (default 110105, Beijing Chaoyang).
    ///   - birthDate: `YYYYMMDD` or `YYYY-MM-DD`.
    ///   - female: the sequence number's parity carries the sex (odd = male).
    static func idNumber<R: RandomNumberGenerator>(region: String = "110105", birthDate: String, female: Bool,
                                                   using generator: inout R) -> String {
        let base = Int.random(in: 0..<500, using: &generator) * 2 + (female ? 0 : 1)
        let body = region + birthDate.replacingOccurrences(of: "-", with: "") + String(format: "%03d", base)
        return body + String(IDCardNumber.checkCharacter(for: body))
    }

    /// A random birth date between 1940 and 2019, as `YYYY-MM-DD`.
    static func birthDate<R: RandomNumberGenerator>(using generator: inout R) -> String {
        String(format: "%04d-%02d-%02d", Int.random(in: 1940...2019, using: &generator),
               Int.random(in: 1...12, using: &generator), Int.random(in: 1...28, using: &generator))
    }

    /// The card code with one character of its signature changed, as a forger or a misread
    /// would produce. The signature is the payload's tail; the last character is skipped because
    /// it may carry only base32 padding bits, which a decoder can ignore.
    static func tampered(_ payload: String) -> String {
        var characters = Array(payload)
        guard characters.count > 8 else { return payload + "A" }
        let index = characters.count - 4
        characters[index] = characters[index] == "A" ? "B" : "A"
        return String(characters)
    }
}
