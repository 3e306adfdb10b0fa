import Database
import Foundation
import Imaging
import ObjectStore

/// What a rendering of one frame needs from a stored file, without reading a multi-gigabyte
/// cine loop whole: the header, then only that frame's bytes (native data by arithmetic,
/// encapsulated data by walking the fragment items or following the Basic Offset Table).
struct FrameExcerpt {
    let objects: any ObjectStore

    /// Files up to this size are read whole: simpler, and the frame split then has every fallback.
    var wholeFileLimit: Int64 = 256 << 20

    /// A data set holding the chosen frame (default: the middle one) as its only frame.
    func dataSet(_ row: InstanceRow, frame chosen: Int? = nil) throws -> (dataSet: DataSet, transferSyntaxUID: String, frame: Int) {
        let key = try BlobKey(row.blobSha256)
        if row.size <= wholeFileLimit {
            let file = try DICOMFile.read(try objects.read(key))
            let frames = max(1, file.dataSet.int(.numberOfFrames) ?? 1)
            return (file.dataSet, file.transferSyntax.uid, chosen ?? frames / 2)
        }
        let file = try HeaderReader(objects: objects).read(key, size: row.size)
        guard let range = file.pixelDataRange else { throw RenderError.missingAttribute("Pixel Data") }
        let image = try ImageDescription(file.dataSet)
        let index = chosen ?? image.numberOfFrames / 2
        guard (0..<image.numberOfFrames).contains(index) else {
            throw RenderError.invalid("frame \(index + 1) requested, the image has \(image.numberOfFrames)")
        }
        var data = file.dataSet
        if file.transferSyntax.isEncapsulated {
            let fragments = try encapsulatedFrame(key, start: Int64(range.lowerBound), end: Int64(range.upperBound),
                                                  index: index, frames: image.numberOfFrames)
            data.set(DataElement(tag: .pixelData, vr: .OB, value: .encapsulated(offsetTable: [], fragments: fragments)))
        } else {
            guard image.nativeFrameBits % 8 == 0 else { throw RenderError.unsupported("bit-packed frames in a file this large") }
            let frameBytes = image.nativeFrameBits / 8
            let bytes = try objects.read(key, offset: Int64(range.lowerBound) + Int64(index) * Int64(frameBytes), length: frameBytes)
            data.set(DataElement(tag: .pixelData, vr: image.bitsAllocated > 8 ? .OW : .OB, value: .bytes(bytes)))
        }
        data.set(DataElement(tag: .numberOfFrames, vr: .IS, value: .bytes(Array("1 ".utf8))))
        return (data, file.transferSyntax.uid, 0)
    }

    /// The fragments of frame `index`: one fragment per frame, or the Basic Offset Table's span.
    private func encapsulatedFrame(_ key: BlobKey, start: Int64, end: Int64, index: Int, frames: Int) throws -> [[UInt8]] {
        var items: [(offset: Int64, length: Int)] = []
        var position = start
        while position + 8 <= end {
            let header = try objects.read(key, offset: position, length: 8)
            guard header.count == 8 else { break }
            let tag = UInt32(header[0]) | UInt32(header[1]) << 8 | UInt32(header[2]) << 16 | UInt32(header[3]) << 24
            let length = Int(UInt32(header[4]) | UInt32(header[5]) << 8 | UInt32(header[6]) << 16 | UInt32(header[7]) << 24)
            if tag == 0xE0DD_FFFE { break }  // (FFFE,E0DD) sequence delimiter, little endian
            guard tag == 0xE000_FFFE, position + 8 + Int64(length) <= end else {
                throw RenderError.invalid("encapsulated pixel data has a damaged item at byte \(position)")
            }
            items.append((position + 8, length))
            position += 8 + Int64(length)
        }
        guard let table = items.first else { throw RenderError.invalid("encapsulated pixel data has no items") }
        let fragments = Array(items.dropFirst())
        if fragments.count == frames {
            return [try objects.read(key, offset: fragments[index].offset, length: fragments[index].length)]
        }
        let offsets = try objects.read(key, offset: table.offset, length: table.length)
        guard offsets.count == frames * 4 else {
            throw RenderError.unsupported("a file this large needs a Basic Offset Table or one fragment per frame")
        }
        func offset(_ frame: Int) -> Int64 {
            Int64(UInt32(offsets[frame * 4]) | UInt32(offsets[frame * 4 + 1]) << 8
                  | UInt32(offsets[frame * 4 + 2]) << 16 | UInt32(offsets[frame * 4 + 3]) << 24)
        }
        // Offsets count from the first fragment's item tag.
        let first = fragments.first.map { $0.offset - 8 } ?? 0
        let from = offset(index)
        let to = index + 1 < frames ? offset(index + 1) : Int64.max
        return try fragments.filter { ($0.offset - 8 - first) >= from && ($0.offset - 8 - first) < to }
            .map { try objects.read(key, offset: $0.offset, length: $0.length) }
    }
}

/// Reads and parses a stored file's header: a first probe, more only when the header runs longer.
struct HeaderReader {
    let objects: any ObjectStore

    static let probe = 256 * 1024
    /// A header longer than this is not a header a PACS sends.
    static let limit = 64 * 1024 * 1024

    func read(_ key: BlobKey, size: Int64) throws -> DICOMFile {
        var length = Int(min(size, Int64(Self.probe)))
        while true {
            let bytes = try objects.read(key, offset: 0, length: length)
            do {
                return try DICOMFile.read(bytes, stopBeforePixelData: true)
            } catch {
                // Maybe cut short by the probe rather than by the file: read more and try again.
                if Int64(length) < size, length < Self.limit {
                    length = Int(min(size, Int64(min(length * 8, Self.limit))))
                    continue
                }
                throw error
            }
        }
    }
}
