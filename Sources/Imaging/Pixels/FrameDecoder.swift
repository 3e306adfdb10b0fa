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
        let bytes = try frames.frame(index)
        switch encoding {
        case .native(let bigEndian): return try NativeDecoder.decode(bytes, image, bigEndian: bigEndian)
        case .rle: return try RLEDecoder.decode(bytes, image)
        case .jpegBaseline, .jpegExtended, .jpegLossless:
            // Some files label a lossless stream with another JPEG syntax; the frame header decides.
            let header = try JPEGFrameHeader(bytes)
            if header.process == .lossless { return try JPEGLosslessDecoder.decode(bytes, image) }
            return try BaselineJPEGDecoder.decode(bytes, image)
        case .jpegLS: return try JPEGLSDecoder.decode(bytes, image)
        case .jpeg2000: return try JPEG2000Decoder.decode(bytes, image, smallestSide: smallestSide)
        }
    }
}
