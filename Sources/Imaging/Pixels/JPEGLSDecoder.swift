import CCharLS

/// The one owner of a CharLS decoder.
private final class CharLSDecoder {
    let raw: OpaquePointer

    init() throws(RenderError) {
        guard let decoder = charls_jpegls_decoder_create() else { throw .unsupported("CharLS could not start") }
        raw = decoder
    }

    deinit { charls_jpegls_decoder_destroy(raw) }
}

/// JPEG-LS lossless and near-lossless (ISO 14495-1) through CharLS. Samples come out one byte each
/// up to 8 bits, two bytes (host order) above; planar when the stream is not interleaved.
enum JPEGLSDecoder {
    static func decode(_ frame: [UInt8], _ image: ImageDescription) throws(RenderError) -> DecodedFrame {
        let decoder = try CharLSDecoder()
        var info = charls_frame_info()
        var layout = CHARLS_INTERLEAVE_MODE_NONE
        var size = 0
        var pixels: [UInt8] = []
        // CharLS reads the source in place; it stays borrowed for both the header and the decode.
        let status = frame.withUnsafeBytes { source in
            var code = charls_jpegls_decoder_set_source_buffer(decoder.raw, source.baseAddress!, source.count)
            if code.rawValue == 0 { code = charls_jpegls_decoder_read_header(decoder.raw) }
            if code.rawValue == 0 { code = charls_jpegls_decoder_get_frame_info(decoder.raw, &info) }
            if code.rawValue == 0 { code = charls_jpegls_decoder_get_interleave_mode(decoder.raw, &layout) }
            if code.rawValue == 0 { code = charls_jpegls_decoder_get_destination_size(decoder.raw, 0, &size) }
            guard code.rawValue == 0 else { return code }
            pixels = [UInt8](repeating: 0, count: size)
            return pixels.withUnsafeMutableBytes { target in
                charls_jpegls_decoder_decode_to_buffer(decoder.raw, target.baseAddress!, target.count, 0)
            }
        }
        try check(status)
        let components = Int(info.component_count), width = Int(info.width), height = Int(info.height)
        let count = width * height * components
        var samples = [Int32](repeating: 0, count: count)
        if info.bits_per_sample <= 8 {
            for index in 0..<count { samples[index] = Int32(pixels[index]) }
        } else {
            pixels.withUnsafeBytes { raw in
                let words = raw.bindMemory(to: UInt16.self)
                for index in 0..<count { samples[index] = Int32(UInt16(littleEndian: words[index])) }
            }
        }
        normalizeStoredValues(&samples, bitsStored: image.bitsStored, signed: image.isSigned)
        if components > 1 && layout == CHARLS_INTERLEAVE_MODE_NONE {
            samples = interleave(samples, samplesPerPixel: components, pixelCount: width * height)
        }
        return DecodedFrame(columns: width, rows: height, samplesPerPixel: components, photometric: image.photometric, samples: samples)
    }

    private static func check(_ code: charls_jpegls_errc) throws(RenderError) {
        guard code.rawValue != 0 else { return }
        throw .corrupt("JPEG-LS: \(String(cString: charls_get_error_message(code)))")
    }
}
