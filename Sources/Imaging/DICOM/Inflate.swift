import CZlib

/// Raw DEFLATE (RFC 1951, no zlib header) as the Deflated transfer syntax stores the data set
/// (PS3.5 §A.5).
enum Inflate {
    /// A deflated data set may expand about a thousandfold; beyond this it is treated as hostile.
    static let maxInflatedSize = 1 << 30

    static func raw(_ input: ArraySlice<UInt8>, maxSize: Int = maxInflatedSize) throws(DICOMError) -> [UInt8] {
        var stream = z_stream()
        // Negative window bits select raw DEFLATE.
        guard inflateInit2_(&stream, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DICOMError.inflateFailed("zlib could not start")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var status = Z_OK
        var tooLarge = false
        input.withUnsafeBufferPointer { source in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.avail_in = UInt32(clamping: source.count)
            while status == Z_OK {
                status = chunk.withUnsafeMutableBufferPointer { buffer in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = UInt32(buffer.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk.count - Int(stream.avail_out)
                if output.count + produced > maxSize {
                    tooLarge = true
                    return
                }
                output.append(contentsOf: chunk[0..<produced])
            }
        }
        if tooLarge { throw DICOMError.inflateFailed("more than \(maxSize) bytes") }
        // Some writers omit the final block's end marker; what inflated so far is the data set.
        guard status == Z_STREAM_END || (status == Z_BUF_ERROR && !output.isEmpty) else {
            throw DICOMError.inflateFailed(stream.msg.map { String(cString: $0) } ?? "zlib status \(status)")
        }
        return output
    }
}
