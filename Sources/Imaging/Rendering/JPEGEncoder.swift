import CTurboJPEG

/// Baseline JPEG through libturbojpeg: grey rasters as one-component JPEGs, RGB with 4:2:0 chroma.
public enum JPEGEncoder {
    public static func encode(_ raster: Raster, quality: Int = 85) throws(RenderError) -> [UInt8] {
        let handle = try TurboJPEGHandle(compressing: true)
        let grey = raster.channels == 1
        var buffer: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        defer { tjFree(buffer) }
        let status = tjCompress2(handle.raw, raster.pixels, Int32(raster.width), 0, Int32(raster.height),
                                 Int32((grey ? TJPF_GRAY : TJPF_RGB).rawValue), &buffer, &size,
                                 Int32((grey ? TJSAMP_GRAY : TJSAMP_420).rawValue), Int32(quality), 0)
        guard status == 0, let buffer else { throw .unsupported("JPEG encoding failed: \(handle.lastError)") }
        return Array(UnsafeBufferPointer(start: buffer, count: Int(size)))
    }
}
