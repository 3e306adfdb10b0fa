/// Splits pixel data into frames: the stored bytes of frame n, as WADO-RS `/frames/{n}` returns them
/// and as the decoders take them.
public struct FrameAccess: Sendable {
    public let description: ImageDescription
    public let pixelData: PixelDataValue

    public init(description: ImageDescription, pixelData: PixelDataValue) throws(RenderError) {
        self.description = description
        self.pixelData = pixelData
        switch pixelData {
        case .native(let bytes):
            let needed = (description.nativeFrameBits * description.numberOfFrames + 7) / 8
            guard bytes.count >= needed else {
                throw .invalid("\(description.numberOfFrames) frame(s) of \(description.columns)x\(description.rows)x"
                    + "\(description.samplesPerPixel) at \(description.bitsAllocated) bits need \(needed) bytes, data has \(bytes.count)")
            }
        case .encapsulated(_, let fragments):
            guard !fragments.isEmpty else { throw .invalid("encapsulated pixel data has no fragments") }
        }
    }

    public var frameCount: Int { description.numberOfFrames }

    /// The stored bytes of one frame (0-based). Native 1-bit frames that do not start on a byte
    /// boundary are re-packed to start at bit 0, as PS3.18 frame retrieval expects.
    public func frame(_ index: Int) throws(RenderError) -> [UInt8] {
        guard (0..<frameCount).contains(index) else {
            throw .invalid("frame \(index + 1) requested, the image has \(frameCount)")
        }
        switch pixelData {
        case .native(let bytes):
            if let slice = nativeSlice(index) { return Array(slice) }
            return Self.nativeFrame(bytes, bits: description.nativeFrameBits, index: index)
        case .encapsulated(let offsets, let fragments):
            return try Self.encapsulatedFrame(offsets: offsets, fragments: fragments, frames: frameCount, index: index)
        }
    }

    /// A native frame that starts on a byte boundary, without copying it.
    func nativeSlice(_ index: Int) -> ArraySlice<UInt8>? {
        let bits = description.nativeFrameBits
        guard case .native(let bytes) = pixelData, (0..<frameCount).contains(index), bits * index % 8 == 0 else { return nil }
        let start = bits * index / 8
        return bytes[start..<start + (bits + 7) / 8]
    }

    /// A native frame that starts inside a byte (1-bit data), re-packed to start at bit 0.
    private static func nativeFrame(_ bytes: [UInt8], bits: Int, index: Int) -> [UInt8] {
        let startBit = bits * index
        var frame = [UInt8](repeating: 0, count: (bits + 7) / 8)
        for bit in 0..<bits {
            let source = startBit + bit
            if bytes[source >> 3] >> (source & 7) & 1 == 1 { frame[bit >> 3] |= 1 << (bit & 7) }
        }
        return frame
    }

    /// PS3.5 A.4: the Basic Offset Table when present; one fragment per frame when the counts match;
    /// every fragment for a single frame; otherwise JPEG frames found by their SOI markers.
    static func encapsulatedFrame(offsets: [UInt32], fragments: [[UInt8]], frames: Int, index: Int) throws(RenderError) -> [UInt8] {
        if offsets.count == frames {
            // Offsets count bytes from the first fragment's item tag; each item adds an 8-byte header.
            var starts: [Int] = []
            var position = 0
            for fragment in fragments {
                starts.append(position)
                position += fragment.count + 8
            }
            let first = Int(offsets[index])
            let end = index + 1 < frames ? Int(offsets[index + 1]) : position
            guard let from = starts.firstIndex(of: first), first < end else {
                throw .invalid("Basic Offset Table entry \(first) is not a fragment boundary")
            }
            var frame: [UInt8] = []
            var fragmentIndex = from
            while fragmentIndex < fragments.count && starts[fragmentIndex] < end {
                frame += fragments[fragmentIndex]
                fragmentIndex += 1
            }
            return frame
        }
        if fragments.count == frames { return fragments[index] }
        if frames == 1 { return fragments.reduce(into: []) { $0 += $1 } }
        return try jpegFrame(fragments, frames: frames, index: index)
    }

    /// Without an offset table and with more fragments than frames, a JPEG-family frame starts with
    /// the fragment whose first bytes are an SOI marker (FFD8, or FF4F for a J2K codestream).
    private static func jpegFrame(_ fragments: [[UInt8]], frames: Int, index: Int) throws(RenderError) -> [UInt8] {
        let starts = fragments.indices.filter { fragment in
            let bytes = fragments[fragment]
            return bytes.count >= 2 && bytes[0] == 0xFF && (bytes[1] == 0xD8 || bytes[1] == 0x4F)
        }
        guard starts.count == frames else {
            throw .invalid("\(fragments.count) fragments, \(starts.count) frame starts for \(frames) frames and no offset table")
        }
        let end = index + 1 < frames ? starts[index + 1] : fragments.count
        return fragments[starts[index]..<end].reduce(into: []) { $0 += $1 }
    }
}
