import CZlib

/// Inflates a gzip member (RFC 1952), as WeChat Pay sends bills with `tar_type=GZIP`.
enum WeChatPayGzip {
    /// Bills are small; this caps a hostile or broken stream.
    static let maxOutput = 256 << 20

    static func gunzip(_ input: [UInt8]) -> [UInt8]? {
        var stream = z_stream()
        // 15 window bits + 16: expect a gzip header and trailer.
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        var output = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var input = input
        let status: Int32 = input.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = uInt(source.count)
            while true {
                let result: Int32 = chunk.withUnsafeMutableBufferPointer { buffer in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = uInt(buffer.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk.count - Int(stream.avail_out)
                output.append(contentsOf: chunk[0..<produced])
                if result == Z_STREAM_END { return Z_STREAM_END }
                if result != Z_OK || output.count > maxOutput { return result == Z_OK ? Z_MEM_ERROR : result }
                // No progress possible: the input ended before the stream did.
                if stream.avail_in == 0 && produced == 0 { return Z_BUF_ERROR }
            }
        }
        return status == Z_STREAM_END ? output : nil
    }
}
