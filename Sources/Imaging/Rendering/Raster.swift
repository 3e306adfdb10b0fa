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

    /// Area-averaged shrinking: each output pixel is the mean of the source pixels it covers, which
    /// keeps thin structures and avoids the aliasing of point sampling. Enlarging repeats pixels.
    public func resized(width target: Int, height targetHeight: Int) -> Raster {
        guard target != width || targetHeight != height else { return self }
        guard target <= width && targetHeight <= height else { return enlarged(width: target, height: targetHeight) }
        let channels = channels, width = width
        // Source column x falls in output column x * target / width; rows likewise.
        let outputColumn = (0..<width).map { $0 * target / width * channels }
        var columnStarts = [Int](repeating: width, count: target + 1)
        for x in stride(from: width - 1, through: 0, by: -1) { columnStarts[x * target / width] = x }
        let columnWidths = (0..<target).map { UInt32(columnStarts[$0 + 1] - columnStarts[$0]) }
        var output = [UInt8](repeating: 0, count: target * targetHeight * channels)
        var sums = [UInt32](repeating: 0, count: target * channels)
        pixels.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { out in
                sums.withUnsafeMutableBufferPointer { sums in
                    outputColumn.withUnsafeBufferPointer { outputColumn in
                        var sourceRow = 0
                        for row in 0..<targetHeight {
                            let end = (row + 1) * height / targetHeight
                            let rowCount = UInt32(end - sourceRow)
                            for index in sums.indices { sums[index] = 0 }
                            while sourceRow < end {
                                let line = sourceRow * width * channels
                                if channels == 1 {
                                    // Each output column sums a contiguous run of source columns.
                                    for column in 0..<target {
                                        var total: UInt32 = 0
                                        for x in columnStarts[column]..<columnStarts[column + 1] { total &+= UInt32(source[line + x]) }
                                        sums[column] &+= total
                                    }
                                } else {
                                    for x in 0..<width {
                                        let from = line + x * channels, to = outputColumn[x]
                                        for channel in 0..<channels { sums[to + channel] &+= UInt32(source[from + channel]) }
                                    }
                                }
                                sourceRow += 1
                            }
                            let base = row * target * channels
                            for column in 0..<target {
                                let area = columnWidths[column] * rowCount
                                for channel in 0..<channels {
                                    let index = column * channels + channel
                                    out[base + index] = UInt8((sums[index] + area / 2) / area)
                                }
                            }
                        }
                    }
                }
            }
        }
        return Raster(width: target, height: targetHeight, channels: channels, pixels: output, window: window)
    }

    /// Nearest-neighbour enlargement (a caller asked for more pixels than the image has).
    private func enlarged(width target: Int, height targetHeight: Int) -> Raster {
        var output = [UInt8](repeating: 0, count: target * targetHeight * channels)
        for row in 0..<targetHeight {
            let sourceLine = row * height / targetHeight * width
            for column in 0..<target {
                let from = (sourceLine + column * width / target) * channels, to = (row * target + column) * channels
                for channel in 0..<channels { output[to + channel] = pixels[from + channel] }
            }
        }
        return Raster(width: target, height: targetHeight, channels: channels, pixels: output, window: window)
    }
}
