/// A JPEG rendering of one frame.
public struct RenderedImage: Sendable {
    public let jpeg: [UInt8]
    public let width: Int
    public let height: Int
    /// The 0-based frame that was rendered.
    public let frame: Int
    /// The VOI window applied to a greyscale image, for a viewer to show or start from.
    public let window: Window?
}

/// A thumbnail that always exists: the rendering, or a placeholder tile with the reason.
public struct Thumbnail: Sendable {
    public let image: RenderedImage
    /// Why the placeholder was used; nil when the image rendered.
    public let failure: RenderError?
}

/// Pixel data to display images: decode, map to 8-bit grey or RGB, shrink, encode.
public enum Renderer {
    public static let thumbnailSize = 256
    public static let previewSize = 1024
    public static let sizes = 16...2048

    /// Renders `frame` (0-based; default the middle frame) to fit within `size` x `size`.
    /// `window` overrides the file's VOI for greyscale images. Images smaller than `size` keep their
    /// size unless `upscale`.
    public static func render(_ dataSet: DataSet, transferSyntaxUID: String, frame: Int? = nil, size: Int = thumbnailSize,
                              window: Window? = nil, upscale: Bool = false, quality: Int = 85) throws(RenderError) -> RenderedImage {
        guard sizes.contains(size) else { throw .invalid("size \(size) is outside \(sizes)") }
        let decoder = try FrameDecoder(dataSet, transferSyntaxUID: transferSyntaxUID)
        let index = frame ?? decoder.frames.frameCount / 2
        let raster = try pixels(decoder, frame: index, window: window, smallestSide: size)
        let fitted = raster.fittedSize(box: size, upscale: upscale)
        let jpeg = try JPEGEncoder.encode(raster.resized(width: fitted.width, height: fitted.height), quality: quality)
        return RenderedImage(jpeg: jpeg, width: fitted.width, height: fitted.height, frame: index, window: raster.window)
    }

    /// `render`, or the placeholder and the reason, so that ingest never fails on an image.
    public static func thumbnail(_ dataSet: DataSet, transferSyntaxUID: String, frame: Int? = nil,
                                 size: Int = thumbnailSize) -> Thumbnail {
        do {
            let image = try render(dataSet, transferSyntaxUID: transferSyntaxUID, frame: frame, size: size)
            return Thumbnail(image: image, failure: nil)
        } catch {
            let side = min(max(size, sizes.lowerBound), sizes.upperBound)
            // Encoding a plain grey tile cannot fail short of libturbojpeg being absent.
            let jpeg = (try? JPEGEncoder.encode(Placeholder.raster(size: side))) ?? []
            return Thumbnail(image: RenderedImage(jpeg: jpeg, width: side, height: side, frame: frame ?? 0, window: nil), failure: error)
        }
    }

    /// The full-size 8-bit rendering of one frame, before scaling and encoding.
    public static func raster(_ dataSet: DataSet, transferSyntaxUID: String, frame: Int = 0,
                              window: Window? = nil) throws(RenderError) -> Raster {
        try pixels(FrameDecoder(dataSet, transferSyntaxUID: transferSyntaxUID), frame: frame, window: window, smallestSide: nil)
    }

    private static func pixels(_ decoder: FrameDecoder, frame index: Int, window: Window?, smallestSide: Int?) throws(RenderError) -> Raster {
        let image = decoder.image
        if case .native(let bigEndian) = decoder.encoding, GreyscaleMapping.mapsCells(image),
           let cells = decoder.frames.nativeSlice(index) {
            let (grey, applied) = GreyscaleMapping(image: image, window: window).render(cells: cells, bigEndian: bigEndian)
            return Raster(width: image.columns, height: image.rows, channels: 1, pixels: grey, window: applied)
        }
        let frame = try decoder.decode(frame: index, smallestSide: smallestSide)
        if frame.samplesPerPixel == 1 && frame.photometric.isMonochrome {
            let (grey, applied) = GreyscaleMapping(image: decoder.image, window: window).render(frame)
            return Raster(width: frame.columns, height: frame.rows, channels: 1, pixels: grey, window: applied)
        }
        let rgb = try ColourMapping(image: decoder.image).render(frame)
        return Raster(width: frame.columns, height: frame.rows, channels: 3, pixels: rgb)
    }
}
