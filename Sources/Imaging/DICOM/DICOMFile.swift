/// A DICOM file as read: its file meta information (group 0002), its data set and the transfer
/// syntax the data set was encoded in (PS3.10 §7).
public struct DICOMFile: Sendable {
    /// File meta information; empty for raw data sets without a Part 10 header.
    public let meta: DataSet
    public let dataSet: DataSet
    public let transferSyntax: TransferSyntax
    /// Where the Pixel Data value (7FE0,0010) lies in the file's bytes: the native pixels, or the
    /// items of encapsulated data. Nil when there is none, or when the data set was deflated and so
    /// has no offsets in the file.
    public let pixelDataRange: Range<Int>?

    public init(meta: DataSet, dataSet: DataSet, transferSyntax: TransferSyntax, pixelDataRange: Range<Int>? = nil) {
        self.meta = meta
        self.dataSet = dataSet
        self.transferSyntax = transferSyntax
        self.pixelDataRange = pixelDataRange
    }

    /// Reads a Part 10 file, or a raw data set with no preamble and meta as old archives hold.
    /// `stopBeforePixelData` leaves Pixel Data out of `dataSet` (indexing needs only the header)
    /// but still reports `pixelDataRange`.
    public static func read(_ bytes: [UInt8], stopBeforePixelData: Bool = false) throws(DICOMError) -> DICOMFile {
        let metaStart = Self.metaStart(bytes)
        var parser = ElementParser(bytes: bytes, position: metaStart ?? 0, stopBeforePixelData: stopBeforePixelData)
        var meta = DataSet()
        if metaStart != nil {
            // The meta group is Explicit VR LE (PS3.10 §7.1); some writers used Implicit VR anyway.
            let encoding = ElementParser.Encoding(explicitVR: looksExplicit(bytes, at: parser.position), bigEndian: false)
            meta = try parser.dataSet(limit: bytes.count, delimited: false, encoding: encoding, characterSet: .default,
                                      depth: 0, onlyGroup: 0x0002)
        }
        let bodyStart = parser.position
        let syntax = try transferSyntax(meta: meta, bytes: bytes, bodyStart: bodyStart, hasMeta: metaStart != nil)
        guard syntax.isDeflated else {
            let encoding = ElementParser.Encoding(explicitVR: bodyStart < bytes.count ? looksExplicit(bytes, at: bodyStart) : true,
                                                  bigEndian: syntax.isBigEndian)
            let dataSet = try parser.dataSet(limit: bytes.count, delimited: false, encoding: encoding, characterSet: .default, depth: 0)
            return DICOMFile(meta: meta, dataSet: dataSet, transferSyntax: syntax, pixelDataRange: parser.pixelDataRange)
        }
        let inflated = try Inflate.raw(bytes[bodyStart...])
        var inflatedParser = ElementParser(bytes: inflated, position: 0, stopBeforePixelData: stopBeforePixelData)
        let dataSet = try inflatedParser.dataSet(limit: inflated.count, delimited: false,
                                                 encoding: .init(explicitVR: true, bigEndian: false), characterSet: .default, depth: 0)
        return DICOMFile(meta: meta, dataSet: dataSet, transferSyntax: syntax)
    }

    /// Where the meta group starts: after the 128-byte preamble and "DICM", or right after a bare
    /// "DICM" some writers emit without a preamble. Nil for raw data sets.
    private static func metaStart(_ bytes: [UInt8]) -> Int? {
        let magic: [UInt8] = Array("DICM".utf8)
        if bytes.count >= 132, bytes[128..<132].elementsEqual(magic) { return 132 }
        if bytes.count >= 4, bytes[0..<4].elementsEqual(magic) { return 4 }
        return nil
    }

    /// The syntax the meta names; without one (raw data sets, or a meta lacking (0002,0010)), the
    /// one the first element's bytes reveal.
    private static func transferSyntax(meta: DataSet, bytes: [UInt8], bodyStart: Int, hasMeta: Bool) throws(DICOMError) -> TransferSyntax {
        if let uid = meta.string(.transferSyntaxUID) {
            guard let syntax = TransferSyntax(uid: uid) else { throw DICOMError.unsupportedTransferSyntax(uid) }
            return syntax
        }
        guard bodyStart + 8 <= bytes.count else {
            if hasMeta { return .explicitVRLittleEndian }
            throw DICOMError.notDICOM
        }
        let littleGroup = UInt16(bytes[bodyStart + 1]) << 8 | UInt16(bytes[bodyStart])
        let bigGroup = UInt16(bytes[bodyStart]) << 8 | UInt16(bytes[bodyStart + 1])
        // A data set starts with a low group (command 0000, meta 0002, identification 0008, patient 0010).
        let bigEndian: Bool
        if littleGroup <= 0x0010 {
            bigEndian = false
        } else if bigGroup <= 0x0010 {
            bigEndian = true
        } else {
            throw DICOMError.notDICOM
        }
        if looksExplicit(bytes, at: bodyStart) {
            return bigEndian ? .explicitVRBigEndian : .explicitVRLittleEndian
        }
        // Implicit VR: without a VR to check, the first length must at least fit the data.
        let length = Int(bytes[bodyStart + 4]) | Int(bytes[bodyStart + 5]) << 8 | Int(bytes[bodyStart + 6]) << 16 | Int(bytes[bodyStart + 7]) << 24
        guard !bigEndian, hasMeta || bodyStart + 8 + length <= bytes.count else { throw DICOMError.notDICOM }
        return .implicitVRLittleEndian
    }

    /// Whether the element at `offset` spells a VR after its tag. Files are sometimes encoded
    /// otherwise than their meta says, so the bytes decide (an Implicit VR length whose low bytes
    /// happen to spell a VR would need a value of at least 16,705 bytes in the first element).
    private static func looksExplicit(_ bytes: [UInt8], at offset: Int) -> Bool {
        offset + 6 <= bytes.count && VR(bytes[offset + 4], bytes[offset + 5]) != nil
    }
}
