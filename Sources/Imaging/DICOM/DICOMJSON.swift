/// The DICOM JSON model (PS3.18 Annex F.2), as WADO-RS metadata and QIDO-RS answers carry it.
extension DataSet {
    /// The data set as one DICOM JSON object, UTF-8 encoded. Text is decoded with the data set's
    /// character set. Binary values (OB, OW, UN, …) up to `inlineBinaryLimit` bytes go inline as
    /// base64; Pixel Data and larger values are referenced by `bulkDataURI(tag)`, or inlined when
    /// it returns nil (except encapsulated pixel data, which is then left without a value).
    /// Group lengths are left out: they describe an encoding JSON does not have.
    public func dicomJSON(inlineBinaryLimit: Int = 1024, bulkDataURI: (Tag) -> String? = { _ in nil }) -> [UInt8] {
        var json = JSONOutput()
        appendObject(to: &json, inlineBinaryLimit: inlineBinaryLimit, bulkDataURI: bulkDataURI)
        return json.bytes
    }

    private func appendObject(to json: inout JSONOutput, inlineBinaryLimit: Int, bulkDataURI: (Tag) -> String?) {
        json.raw("{")
        var first = true
        for element in sortedElements where element.tag.element != 0 {
            if !first { json.raw(",") }
            first = false
            json.string(element.tag.hex)
            json.raw(":{\"vr\":")
            json.string(element.vr.rawValue)
            appendValue(of: element, to: &json, inlineBinaryLimit: inlineBinaryLimit, bulkDataURI: bulkDataURI)
            json.raw("}")
        }
        json.raw("}")
    }

    private func appendValue(of element: DataElement, to json: inout JSONOutput, inlineBinaryLimit: Int,
                             bulkDataURI: (Tag) -> String?) {
        let tag = element.tag
        switch element.value {
        case .sequence(let items):
            guard !items.isEmpty else { return }
            json.raw(",\"Value\":[")
            for (index, item) in items.enumerated() {
                if index > 0 { json.raw(",") }
                item.appendObject(to: &json, inlineBinaryLimit: inlineBinaryLimit, bulkDataURI: bulkDataURI)
            }
            json.raw("]")
        case .encapsulated:
            if let uri = bulkDataURI(tag) { json.member("BulkDataURI", uri) }
        case .bytes(let raw):
            switch element.vr {
            case .OB, .OD, .OF, .OL, .OV, .OW, .UN:
                guard !raw.isEmpty else { return }
                if tag == .pixelData || raw.count > inlineBinaryLimit, let uri = bulkDataURI(tag) {
                    json.member("BulkDataURI", uri)
                } else {
                    json.member("InlineBinary", Base64.encode(element.littleEndianBytes(from: bigEndian) ?? raw))
                }
            case .PN: appendValues(strings(tag), to: &json) { json, value in json.personName(PersonName(value)) }
            case .IS, .DS: appendValues(strings(tag), to: &json) { json, value in json.number(text: value) }
            case .US, .SS, .UL, .SL, .SV, .UV: appendValues(ints(tag), to: &json) { json, value in json.raw(String(value)) }
            case .FL, .FD: appendValues(doubles(tag), to: &json) { json, value in json.number(value, single: element.vr == .FL) }
            case .AT: appendValues(tags(tag), to: &json) { json, value in json.string(value.hex) }
            default: appendValues(strings(tag), to: &json) { json, value in json.string(value) }
            }
        }
    }

    /// A `Value` array; an empty value is null, and no values at all leave `Value` out (F.2.5).
    private func appendValues(_ values: [String], to json: inout JSONOutput, _ append: (inout JSONOutput, String) -> Void) {
        guard values.contains(where: { !$0.isEmpty }) else { return }
        json.raw(",\"Value\":[")
        for (index, value) in values.enumerated() {
            if index > 0 { json.raw(",") }
            if value.isEmpty { json.raw("null") } else { append(&json, value) }
        }
        json.raw("]")
    }

    /// A `Value` array of binary numbers or tags, which cannot be empty one by one.
    private func appendValues<Value>(_ values: [Value], to json: inout JSONOutput, _ append: (inout JSONOutput, Value) -> Void) {
        guard !values.isEmpty else { return }
        json.raw(",\"Value\":[")
        for (index, value) in values.enumerated() {
            if index > 0 { json.raw(",") }
            append(&json, value)
        }
        json.raw("]")
    }
}

/// JSON text built byte by byte: attribute order and number formatting stay exactly as DICOM JSON wants them.
private struct JSONOutput {
    var bytes: [UInt8] = []

    mutating func raw(_ text: String) { bytes += text.utf8 }

    mutating func member(_ name: String, _ value: String) {
        raw(",")
        string(name)
        raw(":")
        string(value)
    }

    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), byte]
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            case ..<0x20:
                let hex = String(byte, radix: 16)
                raw("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// IS and DS as JSON numbers: the text itself when JSON accepts it (keeping its precision),
    /// else its value; text that is no number stays a string rather than being lost.
    mutating func number(text: String) {
        if Self.isJSONNumber(text) {
            raw(text)
        } else if let value = Double(text), value.isFinite {
            raw(value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value))
        } else {
            string(text)
        }
    }

    mutating func number(_ value: Double, single: Bool) {
        guard value.isFinite else { return raw("null") }
        raw(single ? String(Float(value)) : String(value))
    }

    mutating func personName(_ name: PersonName) {
        raw("{")
        var first = true
        for (key, group) in [("Alphabetic", name.alphabetic), ("Ideographic", name.ideographic), ("Phonetic", name.phonetic)]
        where !group.isEmpty {
            if !first { raw(",") }
            first = false
            string(key)
            raw(":")
            string(group)
        }
        raw("}")
    }

    /// RFC 8259 §6: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    private static func isJSONNumber(_ text: String) -> Bool {
        var digits = Substring(text).utf8[...]
        func skipDigits() -> Int {
            let count = digits.prefix { (0x30...0x39).contains($0) }.count
            digits = digits.dropFirst(count)
            return count
        }
        if digits.first == UInt8(ascii: "-") { digits = digits.dropFirst() }
        if digits.first == UInt8(ascii: "0") {
            digits = digits.dropFirst()
        } else if skipDigits() == 0 {
            return false
        }
        if digits.first == UInt8(ascii: ".") {
            digits = digits.dropFirst()
            guard skipDigits() > 0 else { return false }
        }
        if digits.first == UInt8(ascii: "e") || digits.first == UInt8(ascii: "E") {
            digits = digits.dropFirst()
            if digits.first == UInt8(ascii: "+") || digits.first == UInt8(ascii: "-") { digits = digits.dropFirst() }
            guard skipDigits() > 0 else { return false }
        }
        return digits.isEmpty
    }
}

/// RFC 4648 base64 with padding, as InlineBinary holds binary values.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        for start in stride(from: 0, to: bytes.count, by: 3) {
            let count = min(3, bytes.count - start)
            let b0 = UInt32(bytes[start])
            let b1 = count > 1 ? UInt32(bytes[start + 1]) : 0
            let b2 = count > 2 ? UInt32(bytes[start + 2]) : 0
            let group = b0 << 16 | b1 << 8 | b2
            output.append(alphabet[Int(group >> 18 & 63)])
            output.append(alphabet[Int(group >> 12 & 63)])
            output.append(count > 1 ? alphabet[Int(group >> 6 & 63)] : UInt8(ascii: "="))
            output.append(count > 2 ? alphabet[Int(group & 63)] : UInt8(ascii: "="))
        }
        return String(decoding: output, as: UTF8.self)
    }
}
