/// 8-bit pixels ready to encode: grey (1 channel) or RGB (3 channels), row by row.
public struct Raster: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let channels: Int
    public var pixels: [UInt8]
    /// The VOI window that made a greyscale raster (nil for colour, or when a VOI LUT was applied).
    public var window: Window?

    public init(width: Int, height: Int, channels: Int, pixels: [UInt8], window: Window? = nil) {
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
        self.window = window
    }

    /// The size that fits within `box` x `box` keeping the aspect ratio; never larger than the
    /// original unless `upscale`.
    public func fittedSize(box: Int, upscale: Bool) -> (width: Int, height: Int) {
        let longest = max(width, height)
        guard longest != box, upscale || longest > box else { return (width, height) }
        let fit = { (side: Int) in max(1, (side * box + longest / 2) / longest) }
        return (fit(width), fit(height))
    }

    /// Area-averaged resampling: each output pixel is the mean of the source pixels it covers, which
    /// keeps thin structures and avoids the aliasing of point sampling. Enlarging repeats pixels.
    public func resized(width target: Int, height targetHeight: Int) -> Raster {
        guard target != width || targetHeight != height else { return self }
        let channels = channels, width = width
        let columnStarts = (0...target).map { $0 * width / target }
        let rowStarts = (0...targetHeight).map { $0 * height / targetHeight }
        var output = [UInt8](repeating: 0, count: target * targetHeight * channels)
        var sums = [UInt32](repeating: 0, count: target * channels)
        pixels.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { out in
                for row in 0..<targetHeight {
                    let top = rowStarts[row], bottom = max(rowStarts[row + 1], top + 1)
                    for index in sums.indices { sums[index] = 0 }
                    for sourceRow in top..<bottom {
                        let line = sourceRow * width * channels
                        for column in 0..<target {
                            let left = columnStarts[column], right = max(columnStarts[column + 1], left + 1)
                            for x in left..<right {
                                for channel in 0..<channels { sums[column * channels + channel] += UInt32(source[line + x * channels + channel]) }
                            }
                        }
                    }
                    for column in 0..<target {
                        let area = UInt32((bottom - top) * (max(columnStarts[column + 1], columnStarts[column] + 1) - columnStarts[column]))
                        for channel in 0..<channels {
                            out[(row * target + column) * channels + channel] = UInt8((sums[column * channels + channel] + area / 2) / area)
                        }
                    }
                }
            }
        }
        return Raster(width: target, height: targetHeight, channels: channels, pixels: output, window: window)
    }
}
