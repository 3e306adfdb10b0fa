extension DataElement {
    /// The value's bytes in little-endian order, as Explicit VR Little Endian and DICOM JSON's
    /// InlineBinary hold them: a big-endian data set's numbers are swapped word by word.
    func littleEndianBytes(from bigEndian: Bool) -> [UInt8]? {
        guard case .bytes(let raw) = value else { return nil }
        let size = vr.wordSize
        guard bigEndian, size > 1 else { return raw }
        var swapped = raw
        for start in stride(from: 0, through: raw.count - size, by: size) {
            swapped[start..<start + size].reverse()
        }
        return swapped
    }
}
