import Foundation
import HuiminCore

/// Masks phone and ID numbers inside free text that came from outside (a vendor's error
/// message often quotes the number it refused), before staff see it.
public enum FreeTextMasking {
    public static func mask(_ text: String) -> String {
        // Swift's regexes have no lookbehind, so the character before a number is captured and
        // written back. Literals, so they are checked when compiled; made per call because Regex
        // is not Sendable.
        let idNumber = /(^|[^0-9A-Za-z])([1-9][0-9]{16}[0-9Xx])(?![0-9A-Za-z])/
        let phone = /(^|[^0-9])(1[3-9][0-9]{9})(?![0-9])/
        return text.replacing(idNumber) { $0.output.1 + Masking.idNumber(String($0.output.2)) }
            .replacing(phone) { $0.output.1 + Masking.phone(String($0.output.2)) }
    }
}
