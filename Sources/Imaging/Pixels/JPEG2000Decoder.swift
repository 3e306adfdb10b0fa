import COpenJPEG

/// JPEG 2000 (.4.90/.4.91) through OpenJPEG, read from memory. A thumbnail asks for fewer pixels:
/// the decoder then stops at a lower wavelet resolution, which is where most of the time goes.
enum JPEG2000Decoder {
    /// `smallestSide` lets the codec drop resolution levels while each side stays at least that long.
    static func decode(_ frame: [UInt8], _ image: ImageDescription, smallestSide: Int?) throws(RenderError) -> DecodedFrame {
        // OpenJPEG reads the frame in place, so the whole decode runs while the bytes are borrowed.
        let result = frame.withUnsafeBytes { bytes in
            Result { () throws(RenderError) in try decode(bytes, image, smallestSide: smallestSide) }
        }
        return try result.get()
    }

    private static func decode(_ bytes: UnsafeRawBufferPointer, _ image: ImageDescription, smallestSide: Int?) throws(RenderError) -> DecodedFrame {
        let session = try OpenJPEGSession(bytes)
        if let smallestSide {
            var factor: UInt32 = 0
            while min(image.columns, image.rows) >> Int(factor + 1) >= smallestSide { factor += 1 }
            // The codestream may have fewer levels than asked for; keep the finest one that works.
            while factor > 0 && opj_set_decoded_resolution_factor(session.codec, factor) == 0 { factor -= 1 }
        }
        return try session.decode { (decoded) throws(RenderError) in try frameFrom(decoded, image) }
    }

    fileprivate static func frameFrom(_ decoded: opj_image_t, _ image: ImageDescription) throws(RenderError) -> DecodedFrame {
        let count = Int(decoded.numcomps)
        guard count == image.samplesPerPixel, let components = decoded.comps else {
            throw .invalid("JPEG 2000 stream has \(count) components, SamplesPerPixel is \(image.samplesPerPixel)")
        }
        let width = Int(components[0].w), height = Int(components[0].h)
        for index in 0..<count where Int(components[index].w) != width || Int(components[index].h) != height {
            throw .unsupported("JPEG 2000 with subsampled components")
        }
        let pixels = width * height
        var samples = [Int32](repeating: 0, count: pixels * count)
        for index in 0..<count {
            guard let data = components[index].data else { throw .corrupt("JPEG 2000 component \(index) has no data") }
            samples.withUnsafeMutableBufferPointer { out in
                for pixel in 0..<pixels { out[pixel * count + index] = data[pixel] }
            }
        }
        if components[0].sgnd == 0 {
            normalizeStoredValues(&samples, bitsStored: image.bitsStored, signed: image.isSigned)
        }
        // The codec undoes the reversible or irreversible colour transform itself.
        let photometric: PhotometricInterpretation = image.photometric == .ybrICT || image.photometric == .ybrRCT ? .rgb : image.photometric
        return DecodedFrame(columns: width, rows: height, samplesPerPixel: count, photometric: photometric, samples: samples)
    }
}

/// One decode: the stream over borrowed bytes, the codec and the image, each freed once.
private final class OpenJPEGSession {
    let codec: UnsafeMutablePointer<opj_codec_t?>
    private let stream: UnsafeMutablePointer<opj_stream_t?>
    private let source: UnsafeMutablePointer<huimin_opj_source>
    private var image: UnsafeMutablePointer<opj_image_t>?

    init(_ bytes: UnsafeRawBufferPointer) throws(RenderError) {
        // A JP2 file starts with its signature box; DICOM usually holds a bare codestream (FF4F).
        let isJP2 = bytes.count > 12 && bytes[4] == 0x6A && bytes[5] == 0x50
        source = .allocate(capacity: 1)
        source.initialize(to: huimin_opj_source(bytes: bytes.baseAddress?.assumingMemoryBound(to: UInt8.self),
                                                length: OPJ_SIZE_T(bytes.count), position: 0))
        guard let stream = huimin_opj_memory_stream(source) else {
            source.deallocate()
            throw .unsupported("OpenJPEG could not create a stream")
        }
        self.stream = stream
        guard let codec = opj_create_decompress(isJP2 ? OPJ_CODEC_JP2 : OPJ_CODEC_J2K) else {
            opj_stream_destroy(stream)
            source.deallocate()
            throw .unsupported("OpenJPEG could not create a decoder")
        }
        self.codec = codec
        var parameters = opj_dparameters_t()
        opj_set_default_decoder_parameters(&parameters)
        guard opj_setup_decoder(codec, &parameters) != 0, opj_read_header(stream, codec, &image) != 0, image != nil else {
            throw .corrupt("JPEG 2000 header could not be read")
        }
    }

    /// Decodes and hands the image to `read` while this session, which frees it, is still alive.
    func decode(_ read: (opj_image_t) throws(RenderError) -> DecodedFrame) throws(RenderError) -> DecodedFrame {
        guard let image, opj_decode(codec, stream, image) != 0, opj_end_decompress(codec, stream) != 0 else {
            throw .corrupt("JPEG 2000 stream could not be decoded")
        }
        return try read(image.pointee)
    }

    deinit {
        if let image { opj_image_destroy(image) }
        opj_destroy_codec(codec)
        opj_stream_destroy(stream)
        source.deinitialize(count: 1)
        source.deallocate()
    }
}
