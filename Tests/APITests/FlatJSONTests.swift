import Foundation
@testable import Database
import Testing

/// The outbox's payloads are written by hand (inside each booking's transaction), not by JSONEncoder.
@Suite("Outbox payload JSON")
struct FlatJSONTests {
    @Test("a payload reads back as the same strings, with escapes, control characters and Chinese, keys sorted")
    func roundTrip() throws {
        let object = ["科室": "心内科", "quote": "say \"hi\"", "path": "a\\b", "lines": "1\n2\r3\t4", "bell": "\u{07}", "emoji": "🙂"]
        let text = flatJSON(object)
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String]
        #expect(parsed == object)
        #expect(text.hasPrefix(#"{"bell":"\u0007","emoji":"🙂","lines":"1\n2\r3\t4","#), "\(text)")
        #expect(flatJSON([:]) == "{}")
    }
}
