import CTurboJPEG

/// The one owner of a libturbojpeg handle (compressor or decompressor); destroyed with it.
final class TurboJPEGHandle {
    let raw: tjhandle

    init(compressing: Bool) throws(RenderError) {
        guard let handle = compressing ? tjInitCompress() : tjInitDecompress() else {
            throw .unsupported("libturbojpeg could not start")
        }
        raw = handle
    }

    var lastError: String { String(cString: tjGetErrorStr2(raw)) }

    deinit { tjDestroy(raw) }
}

/// JPEG Baseline (process 1, 8-bit) through libturbojpeg. Three-component streams come out as RGB:
/// the library applies the YCbCr transform the JFIF/Adobe markers call for, which is how
/// YBR_FULL_422 and YBR_FULL files are meant to be shown.
enum BaselineJPEGDecoder {
    static func decode(_ frame: [UInt8], _ image: ImageDescription) throws(RenderError) -> DecodedFrame {
        let header = try JPEGFrameHeader(frame)
        guard header.precision == 8 && header.process != .lossless else {
            throw .unsupported("JPEG \(header.process) with \(header.precision)-bit samples through libturbojpeg")
        }
        let handle = try TurboJPEGHandle(compressing: false)
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colourspace: Int32 = 0
        guard tjDecompressHeader3(handle.raw, frame, UInt(frame.count), &width, &height, &subsampling, &colourspace) == 0 else {
            throw .corrupt("JPEG header: \(handle.lastError)")
        }
        let components = header.components == 1 ? 1 : 3
        let pixelCount = Int(width) * Int(height)
        var pixels = [UInt8](repeating: 0, count: pixelCount * components)
        let status: Int32
        if components == 3 && image.photometric == .rgb && !header.declaresColourSpace && subsampling == TJSAMP_444.rawValue {
            // An RGB file whose stream names no colour space holds untransformed RGB components;
            // take them as decoded, without the YCbCr conversion libjpeg would assume.
            var planes = [UInt8](repeating: 0, count: pixelCount * 3)
            status = planes.withUnsafeMutableBufferPointer { buffer in
                let base = buffer.baseAddress!
                var targets: [UnsafeMutablePointer<UInt8>?] = [base, base + pixelCount, base + 2 * pixelCount]
                return tjDecompressToYUVPlanes(handle.raw, frame, UInt(frame.count), &targets, width, nil, height, TJFLAG_ACCURATEDCT)
            }
            for pixel in 0..<pixelCount {
                pixels[3 * pixel] = planes[pixel]
                pixels[3 * pixel + 1] = planes[pixelCount + pixel]
                pixels[3 * pixel + 2] = planes[2 * pixelCount + pixel]
            }
        } else {
            let format = components == 1 ? TJPF_GRAY : TJPF_RGB
            status = tjDecompress2(handle.raw, frame, UInt(frame.count), &pixels, width, 0, height,
                                   Int32(format.rawValue), TJFLAG_ACCURATEDCT)
        }
        // Status 0 with a warning (e.g. a truncated stream padded with grey) still gives an image.
        guard status == 0 || tjGetErrorCode(handle.raw) == TJERR_WARNING.rawValue else {
            throw .corrupt("JPEG: \(handle.lastError)")
        }
        return DecodedFrame(columns: Int(width), rows: Int(height), samplesPerPixel: components,
                            photometric: components == 1 ? image.photometric : .rgb,
                            samples: pixels.map { Int32($0) })
    }
}
