/// A parsed data set: its elements by tag, with what is needed to read their values
/// (byte order, character set). Accessors decode values on demand.
public struct DataSet: Sendable, Equatable {
    public private(set) var elements: [Tag: DataElement]
    /// Explicit VR Big Endian data sets store binary values most significant byte first.
    public let bigEndian: Bool
    public let characterSet: CharacterSet

    public init(elements: [Tag: DataElement] = [:], bigEndian: Bool = false, characterSet: CharacterSet = .default) {
        self.elements = elements
        self.bigEndian = bigEndian
        self.characterSet = characterSet
    }

    public subscript(tag: Tag) -> DataElement? { elements[tag] }

    public mutating func set(_ element: DataElement) { elements[element.tag] = element }

    /// Elements in tag order, as DICOM writes and lists them.
    public var sortedElements: [DataElement] { elements.values.sorted { $0.tag < $1.tag } }

    public func bytes(_ tag: Tag) -> [UInt8]? {
        guard case .bytes(let bytes)? = elements[tag]?.value else { return nil }
        return bytes
    }

    /// The items of a sequence; empty when absent.
    public func sequence(_ tag: Tag) -> [DataSet] {
        guard case .sequence(let items)? = elements[tag]?.value else { return [] }
        return items
    }

    /// Every value of a text attribute (split on `\`, padding trimmed), decoded with the character set.
    public func strings(_ tag: Tag) -> [String] {
        guard let element = elements[tag], case .bytes(let raw) = element.value, element.vr.isText || element.vr == .UN else {
            return []
        }
        let text = element.vr.usesCharacterSet ? characterSet.decode(raw) : String(decoding: raw, as: UTF8.self)
        // LT, ST, UT and UR are single-valued: a backslash there is text.
        let multiValued = ![.LT, .ST, .UT, .UR].contains(element.vr)
        let values = multiValued ? text.split(separator: "\\", omittingEmptySubsequences: false).map(String.init) : [text]
        return values.map { $0.trimmingDICOMPadding(leading: element.vr != .LT && element.vr != .ST && element.vr != .UT) }
    }

    public func string(_ tag: Tag) -> String? {
        strings(tag).first.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Integer values: IS text, or US/SS/UL/SL binary.
    public func ints(_ tag: Tag) -> [Int] {
        guard let element = elements[tag], case .bytes(let raw) = element.value else { return [] }
        switch element.vr {
        case .IS: return strings(tag).compactMap { Int($0) }
        case .US: return words(raw, size: 2).map { Int(UInt16(truncatingIfNeeded: $0)) }
        case .SS: return words(raw, size: 2).map { Int(Int16(bitPattern: UInt16(truncatingIfNeeded: $0))) }
        case .UL: return words(raw, size: 4).map { Int(UInt32(truncatingIfNeeded: $0)) }
        case .SL: return words(raw, size: 4).map { Int(Int32(bitPattern: UInt32(truncatingIfNeeded: $0))) }
        case .SV: return words(raw, size: 8).map { Int(Int64(bitPattern: $0)) }
        case .UV: return words(raw, size: 8).map { Int(clamping: $0) }
        default: return []
        }
    }

    public func int(_ tag: Tag) -> Int? { ints(tag).first }

    /// AT values: attribute tags, such as Frame Increment Pointer's.
    public func tags(_ tag: Tag) -> [Tag] {
        guard let element = elements[tag], element.vr == .AT, case .bytes(let raw) = element.value else { return [] }
        let halves = words(raw, size: 2).map { UInt16(truncatingIfNeeded: $0) }
        return stride(from: 0, to: halves.count - 1, by: 2).map { Tag(halves[$0], halves[$0 + 1]) }
    }

    /// Decimal values: DS text, or FL/FD binary.
    public func doubles(_ tag: Tag) -> [Double] {
        guard let element = elements[tag], case .bytes(let raw) = element.value else { return [] }
        switch element.vr {
        case .DS, .IS: return strings(tag).compactMap { Double($0) }
        case .FL: return words(raw, size: 4).map { Double(Float(bitPattern: UInt32(truncatingIfNeeded: $0))) }
        case .FD: return words(raw, size: 8).map { Double(bitPattern: $0) }
        default: return ints(tag).map(Double.init)
        }
    }

    public func double(_ tag: Tag) -> Double? { doubles(tag).first }

    public func personName(_ tag: Tag) -> PersonName? {
        string(tag).map(PersonName.init)
    }

    public var pixelData: PixelDataValue? {
        switch elements[.pixelData]?.value {
        case .bytes(let bytes)?: .native(bytes)
        case .encapsulated(let table, let fragments)?: .encapsulated(offsetTable: table, fragments: fragments)
        default: nil
        }
    }

    /// Fixed-size binary words in the data set's byte order, widened to UInt64.
    private func words(_ raw: [UInt8], size: Int) -> [UInt64] {
        stride(from: 0, through: raw.count - size, by: size).map { start in
            var value: UInt64 = 0
            for index in 0..<size {
                let byte = UInt64(raw[start + (bigEndian ? index : size - 1 - index)])
                value = value << 8 | byte
            }
            return value
        }
    }
}

/// A PN value: up to three component groups (alphabetic = ideographic = phonetic), PS3.5 §6.2.1.
public struct PersonName: Sendable, Equatable {
    public let alphabetic: String
    public let ideographic: String
    public let phonetic: String

    public init(_ value: String) {
        let groups = value.split(separator: "=", omittingEmptySubsequences: false).map(String.init)
        alphabetic = groups.first ?? ""
        ideographic = groups.count > 1 ? groups[1] : ""
        phonetic = groups.count > 2 ? groups[2] : ""
    }

    /// What a Chinese reader expects to see: the ideographic form when present, components joined
    /// without the `^` separators.
    public var displayName: String {
        let chosen = ideographic.isEmpty ? alphabetic : ideographic
        let parts = chosen.split(separator: "^").map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
        let ideographicScript = chosen.unicodeScalars.contains { $0.value >= 0x3400 && $0.value <= 0x9FFF }
        return parts.joined(separator: ideographicScript ? "" : " ")
    }
}

extension String {
    /// DICOM pads text values with spaces (and UI with NUL): trim trailing, and leading where
    /// leading spaces are not significant.
    func trimmingDICOMPadding(leading: Bool) -> String {
        var scalars = Substring(self)
        while let last = scalars.last, last == " " || last == "\0" { scalars.removeLast() }
        if leading { while let first = scalars.first, first == " " { scalars.removeFirst() } }
        return String(scalars)
    }

    func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while scalars.first == " " { scalars.removeFirst() }
        while scalars.last == " " { scalars.removeLast() }
        return String(scalars)
    }
}
