/// Decodes one frame of a data set's pixel data for its transfer syntax.
public struct FrameDecoder: Sendable {
    public let image: ImageDescription
    public let encoding: PixelEncoding
    public let frames: FrameAccess

    public init(_ dataSet: DataSet, transferSyntaxUID: String) throws(RenderError) {
        guard let pixelData = dataSet.pixelData else { throw .missingAttribute("PixelData") }
        image = try ImageDescription(dataSet)
        encoding = try PixelEncoding(transferSyntaxUID: transferSyntaxUID)
        switch (encoding.isEncapsulated, pixelData) {
        case (true, .native): throw .invalid("native pixel data under an encapsulated transfer syntax")
        case (false, .encapsulated): throw .invalid("encapsulated pixel data under a native transfer syntax")
        default: break
        }
        if case .native(bigEndian: true) = encoding, case .native(var bytes) = pixelData,
           image.bitsAllocated == 8, dataSet[.pixelData]?.vr == .OW {
            // 8-bit samples in a big-endian OW value were written as 16-bit words: bytes swapped in pairs.
            for pair in stride(from: 0, to: bytes.count - 1, by: 2) { bytes.swapAt(pair, pair + 1) }
            frames = try FrameAccess(description: image, pixelData: .native(bytes))
        } else {
            frames = try FrameAccess(description: image, pixelData: pixelData)
        }
    }

    /// Frame `index` (0-based). `smallestSide` lets codecs with resolution levels (JPEG 2000) decode
    /// fewer pixels when the result will be shrunk anyway.
    public func decode(frame index: Int, smallestSide: Int? = nil) throws(RenderError) -> DecodedFrame {
        switch encoding {
        case .native(let bigEndian):
            // Byte-aligned native frames are read in place; only 1-bit frames inside a byte are copied.
            if let slice = frames.nativeSlice(index) { return try NativeDecoder.decode(slice, image, bigEndian: bigEndian) }
            return try NativeDecoder.decode(frames.frame(index)[...], image, bigEndian: bigEndian)
        case .rle: return try RLEDecoder.decode(frames.frame(index), image)
        case .jpegBaseline, .jpegExtended, .jpegLossless:
            let bytes = try frames.frame(index)
            // Some files label a lossless stream with another JPEG syntax; the frame header decides.
            let header = try JPEGFrameHeader(bytes)
            if header.process == .lossless { return try JPEGLosslessDecoder.decode(bytes, image) }
            if header.precision > 8 { return try JPEGExtendedDecoder.decode(bytes, image) }
            return try BaselineJPEGDecoder.decode(bytes, image)
        case .jpegLS: return try JPEGLSDecoder.decode(frames.frame(index), image)
        case .jpeg2000: return try JPEG2000Decoder.decode(frames.frame(index), image, smallestSide: smallestSide)
        }
    }
}
