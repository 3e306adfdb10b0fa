/// Reads a stream of data elements (PS3.5 §7) from a byte buffer. Every length is checked against
/// the bytes that remain before it is used, values are sliced out of the input (so nothing is
/// allocated beyond the input's size), and nesting is capped, so hostile input ends in a
/// `DICOMError` rather than a trap, a hang or an allocation the file merely asked for.
struct ElementParser {
    /// How the elements are encoded. Changes inside UN sequences, which are always Implicit VR LE.
    struct Encoding: Equatable {
        var explicitVR: Bool
        var bigEndian: Bool

        static let implicitLittleEndian = Encoding(explicitVR: false, bigEndian: false)
    }

    /// Deeper than any real object (enhanced multi-frame and SR trees stay below ten) and shallow
    /// enough that recursion cannot exhaust the stack.
    static let maxDepth = 32
    static let undefinedLength: UInt32 = 0xFFFF_FFFF

    let bytes: [UInt8]
    var position: Int
    /// Skips the top-level Pixel Data value, keeping only its location.
    let stopBeforePixelData: Bool
    /// Where the top-level Pixel Data value lies in `bytes`.
    private(set) var pixelDataRange: Range<Int>?
    /// Where the value of the element being read starts.
    private var valueStart = 0

    init(bytes: [UInt8], position: Int, stopBeforePixelData: Bool = false) {
        self.bytes = bytes
        self.position = position
        self.stopBeforePixelData = stopBeforePixelData
    }

    // MARK: Data sets

    /// Reads elements up to `limit` (the end of a defined-length item or of the data), or up to an
    /// item delimiter when `delimited`, which must come before `limit`. `onlyGroup` stops before
    /// the first element of another group (the file meta group ends that way).
    mutating func dataSet(limit: Int, delimited: Bool, encoding: Encoding, characterSet inherited: CharacterSet,
                          depth: Int, onlyGroup: UInt16? = nil) throws(DICOMError) -> DataSet {
        guard depth <= Self.maxDepth else { throw DICOMError.nestingTooDeep(offset: position) }
        var elements: [Tag: DataElement] = [:]
        // (0008,0005) comes before any sequence, so items read after it inherit it.
        var characterSet = inherited
        while delimited || position < limit {
            if delimited, atEndOfData { break }
            let start = position
            let tag = try readTag(encoding, limit: limit)
            if let onlyGroup, tag.group != onlyGroup {
                position = start
                break
            }
            if tag.group == 0xFFFE {
                let length = try readUInt32(encoding, limit: limit)
                if tag == .itemDelimitation, delimited { break }
                // A stray delimiter between elements carries no data: step over its header.
                guard length == 0 || length == Self.undefinedLength else { throw DICOMError.badItem(tag: tag, offset: start) }
                continue
            }
            let isTopLevelPixelData = depth == 0 && tag == .pixelData
            if isTopLevelPixelData, stopBeforePixelData {
                try skipPixelData(tag: tag, start: start, encoding: encoding, limit: limit)
                break
            }
            let element = try element(tag: tag, start: start, encoding: encoding, limit: limit,
                                      characterSet: characterSet, depth: depth)
            elements[tag] = element
            if tag == .specificCharacterSet { characterSet = Self.characterSet(of: element, inherited: inherited) }
            if isTopLevelPixelData { pixelDataRange = valueStart..<position }
        }
        if !encoding.explicitVR { Self.settleSignedness(&elements, bigEndian: encoding.bigEndian) }
        return DataSet(elements: elements, bigEndian: encoding.bigEndian, characterSet: characterSet)
    }

    private static func settleSignedness(_ elements: inout [Tag: DataElement], bigEndian: Bool) {
        guard case .bytes(let representation)? = elements[.pixelRepresentation]?.value, representation.count == 2,
              representation[bigEndian ? 1 : 0] == 1 else { return }
        for tag in DataDictionary.signedWithPixelData {
            if let element = elements[tag], element.vr == .US { elements[tag] = DataElement(tag: tag, vr: .SS, value: element.value) }
        }
    }

    /// A nested data set uses its own Specific Character Set when it has one, else its parent's (PS3.5 §7.5.3).
    private static func characterSet(of element: DataElement, inherited: CharacterSet) -> CharacterSet {
        guard case .bytes(let raw) = element.value else { return inherited }
        let terms = raw.split(separator: UInt8(ascii: "\\"), omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self).trimmingSpaces() }
        return CharacterSet(definedTerms: terms)
    }

    // MARK: Elements

    private mutating func element(tag: Tag, start: Int, encoding: Encoding, limit: Int,
                                  characterSet: CharacterSet, depth: Int) throws(DICOMError) -> DataElement {
        let (fileVR, length) = try readHeader(tag: tag, start: start, encoding: encoding, limit: limit)
        valueStart = position
        if length == Self.undefinedLength {
            if tag == .pixelData {
                return DataElement(tag: tag, vr: fileVR == .UN ? .OB : fileVR,
                                   value: try encapsulated(encoding: encoding, limit: limit))
            }
            // Undefined length makes a sequence: SQ, an Implicit VR element (PS3.5 §7.5.1), or UN,
            // whose items are Implicit VR Little Endian whatever the transfer syntax (PS3.5 §6.2.2).
            guard fileVR == .SQ || fileVR == .UN || !encoding.explicitVR else {
                throw DICOMError.badLength(tag: tag, offset: start)
            }
            let itemEncoding = fileVR == .UN && encoding.explicitVR ? .implicitLittleEndian : encoding
            let items = try sequence(limit: limit, delimited: true, encoding: itemEncoding, characterSet: characterSet, depth: depth)
            return DataElement(tag: tag, vr: .SQ, value: .sequence(items))
        }
        let valueEnd = try end(ofValueAt: position, length: length, limit: limit)
        if fileVR == .SQ {
            let items = try sequence(limit: valueEnd, delimited: false, encoding: encoding, characterSet: characterSet, depth: depth)
            return DataElement(tag: tag, vr: .SQ, value: .sequence(items))
        }
        if fileVR == .UN, let items = sequenceInUN(valueEnd: valueEnd, encoding: encoding, characterSet: characterSet, depth: depth) {
            return DataElement(tag: tag, vr: .SQ, value: .sequence(items))
        }
        let value = Array(bytes[position..<valueEnd])
        position = valueEnd
        let vr = fileVR == .UN && encoding.explicitVR && !encoding.bigEndian ? DataDictionary.vr(for: tag) : fileVR
        return DataElement(tag: tag, vr: vr == .SQ ? .UN : vr, value: .bytes(value))
    }

    /// The items of a UN value that holds a sequence: a standard sequence passed on by a system that
    /// did not know it, or (Implicit VR) a private or undictionaried one. Such a value starts with an
    /// item tag and is encoded Implicit VR, Little Endian when it came as explicit UN (PS3.5 §6.2.2).
    /// Nil, with nothing consumed, when the value does not parse that way: then it is just bytes.
    private mutating func sequenceInUN(valueEnd: Int, encoding: Encoding, characterSet: CharacterSet, depth: Int) -> [DataSet]? {
        let itemEncoding = encoding.explicitVR ? .implicitLittleEndian : encoding
        let start = position
        guard valueEnd - start >= 8, (try? readTag(itemEncoding, limit: valueEnd)) == .item else {
            position = start
            return nil
        }
        position = start
        do {
            return try sequence(limit: valueEnd, delimited: false, encoding: itemEncoding, characterSet: characterSet, depth: depth)
        } catch {
            position = start
            return nil
        }
    }

    /// The VR and length of an element whose tag has been read; leaves `position` at the value.
    private mutating func readHeader(tag: Tag, start: Int, encoding: Encoding, limit: Int) throws(DICOMError) -> (VR, UInt32) {
        guard encoding.explicitVR else {
            return (DataDictionary.vr(for: tag), try readUInt32(encoding, limit: limit))
        }
        guard position + 2 <= limit else { throw DICOMError.truncated(offset: position) }
        guard let vr = VR(bytes[position], bytes[position + 1]) else { throw DICOMError.badVR(tag: tag, offset: start) }
        position += 2
        if vr.hasLongLength {
            guard position + 2 <= limit else { throw DICOMError.truncated(offset: position) }
            position += 2
            return (vr, try readUInt32(encoding, limit: limit))
        }
        return (vr, UInt32(try readUInt16(encoding, limit: limit)))
    }

    /// The end of a defined-length value starting at `start`, checked against the bytes available.
    private func end(ofValueAt start: Int, length: UInt32, limit: Int) throws(DICOMError) -> Int {
        guard length != Self.undefinedLength else { throw DICOMError.badLength(tag: .item, offset: start) }
        let end = start + Int(length)
        guard end <= limit else { throw DICOMError.truncated(offset: limit) }
        return end
    }

    // MARK: Sequences and items

    private mutating func sequence(limit: Int, delimited: Bool, encoding: Encoding, characterSet: CharacterSet,
                                   depth: Int) throws(DICOMError) -> [DataSet] {
        var items: [DataSet] = []
        while delimited || position < limit {
            if delimited, atEndOfData { break }
            let start = position
            let tag = try readTag(encoding, limit: limit)
            let length = try readUInt32(encoding, limit: limit)
            if tag == .sequenceDelimitation {
                if delimited { break }
                continue
            }
            guard tag == .item else { throw DICOMError.badItem(tag: tag, offset: start) }
            if length == Self.undefinedLength {
                items.append(try dataSet(limit: limit, delimited: true, encoding: encoding, characterSet: characterSet,
                                         depth: depth + 1))
            } else {
                let itemEnd = try self.end(ofValueAt: position, length: length, limit: limit)
                items.append(try dataSet(limit: itemEnd, delimited: false, encoding: encoding, characterSet: characterSet,
                                         depth: depth + 1))
                position = itemEnd
            }
        }
        return items
    }

    /// Encapsulated pixel data (PS3.5 §A.4): a Basic Offset Table item, fragment items, a sequence delimiter.
    private mutating func encapsulated(encoding: Encoding, limit: Int) throws(DICOMError) -> DataElement.Value {
        let tableStart = position
        guard let table = try nextFragment(encoding, limit: limit) else {
            return .encapsulated(offsetTable: [], fragments: [])
        }
        guard table.count % 4 == 0 else { throw DICOMError.badLength(tag: .pixelData, offset: tableStart) }
        let offsetTable = stride(from: table.lowerBound, to: table.upperBound, by: 4).map { uint32(at: $0, encoding) }
        var fragments: [[UInt8]] = []
        while let fragment = try nextFragment(encoding, limit: limit) {
            fragments.append(Array(bytes[fragment]))
        }
        return .encapsulated(offsetTable: offsetTable, fragments: fragments)
    }

    /// Steps over the top-level Pixel Data, recording where it lies, without copying it.
    private mutating func skipPixelData(tag: Tag, start: Int, encoding: Encoding, limit: Int) throws(DICOMError) {
        let (_, length) = try readHeader(tag: tag, start: start, encoding: encoding, limit: limit)
        let valueStart = position
        if length == Self.undefinedLength {
            while try nextFragment(encoding, limit: limit) != nil {}
        } else {
            position = try end(ofValueAt: position, length: length, limit: limit)
        }
        pixelDataRange = valueStart..<position
    }

    /// The bytes of the next item of encapsulated data, stepping past it; nil at the sequence
    /// delimiter (or the end of the data).
    private mutating func nextFragment(_ encoding: Encoding, limit: Int) throws(DICOMError) -> Range<Int>? {
        guard !atEndOfData else { return nil }
        let start = position
        let tag = try readTag(encoding, limit: limit)
        let length = try readUInt32(encoding, limit: limit)
        if tag == .sequenceDelimitation { return nil }
        guard tag == .item else { throw DICOMError.badItem(tag: tag, offset: start) }
        let fragment = position..<(try end(ofValueAt: position, length: length, limit: limit))
        position = fragment.upperBound
        return fragment
    }

    /// Writers (DICOMDIR-nooffset among the samples) drop the delimiters that would close
    /// undefined-length sequences and items at the very end of a file. Where the data ends exactly
    /// between elements they are taken as closed; a cut inside an element still throws.
    private var atEndOfData: Bool { position == bytes.count }

    // MARK: Numbers

    private mutating func readTag(_ encoding: Encoding, limit: Int) throws(DICOMError) -> Tag {
        let group = try readUInt16(encoding, limit: limit)
        let element = try readUInt16(encoding, limit: limit)
        return Tag(group, element)
    }

    private mutating func readUInt16(_ encoding: Encoding, limit: Int) throws(DICOMError) -> UInt16 {
        guard position + 2 <= min(limit, bytes.count) else { throw DICOMError.truncated(offset: position) }
        let value = encoding.bigEndian
            ? UInt16(bytes[position]) << 8 | UInt16(bytes[position + 1])
            : UInt16(bytes[position + 1]) << 8 | UInt16(bytes[position])
        position += 2
        return value
    }

    private mutating func readUInt32(_ encoding: Encoding, limit: Int) throws(DICOMError) -> UInt32 {
        guard position + 4 <= min(limit, bytes.count) else { throw DICOMError.truncated(offset: position) }
        let value = uint32(at: position, encoding)
        position += 4
        return value
    }

    /// Callers have checked that four bytes are there.
    private func uint32(at offset: Int, _ encoding: Encoding) -> UInt32 {
        let b0 = UInt32(bytes[offset]), b1 = UInt32(bytes[offset + 1])
        let b2 = UInt32(bytes[offset + 2]), b3 = UInt32(bytes[offset + 3])
        return encoding.bigEndian ? b0 << 24 | b1 << 16 | b2 << 8 | b3 : b3 << 24 | b2 << 16 | b1 << 8 | b0
    }
}
