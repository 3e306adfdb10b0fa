/// An RGB pixel buffer with the few primitives an ECG sheet needs: a paper grid, thick polylines
/// and bitmap text. Loops write through one unsafe pointer; there are no per-pixel closures.
struct SheetCanvas {
    struct Colour: Equatable {
        let red: UInt8, green: UInt8, blue: UInt8
        static let white = Colour(red: 255, green: 255, blue: 255)
        static let ink = Colour(red: 0, green: 0, blue: 0)
        static let minorGrid = Colour(red: 251, green: 214, blue: 214)
        static let majorGrid = Colour(red: 230, green: 128, blue: 128)
    }

    let width: Int
    let height: Int
    private(set) var pixels: [UInt8]
    /// Which JPEG MCUs (16 × 16 pixel cells, in raster order) polylines and text have drawn in:
    /// the encoder encodes those and copies the paper's encoding of the rest.
    private(set) var inked: [Bool]

    init(width: Int, height: Int) {
        self.init(paper: Raster(width: width, height: height, channels: 3, pixels: [UInt8](repeating: 255, count: width * height * 3)))
    }

    /// Drawing over a copy of `paper` (copied on the first write).
    init(paper: Raster) {
        width = paper.width
        height = paper.height
        pixels = paper.pixels
        inked = [Bool](repeating: false, count: RestartJPEG.mcuCount(width: width, height: height))
    }

    /// The MCUs drawn in, by index.
    var inkedMCUs: [Int] { inked.indices.filter { inked[$0] } }

    /// Marks the MCUs that the pixel rectangle left...right × top...bottom (clipped) touches.
    private static func mark(_ inked: inout [Bool], columns: Int, left: Int, right: Int, top: Int, bottom: Int) {
        let size = RestartJPEG.mcuSize
        for row in top / size...bottom / size {
            for column in left / size...right / size { inked[row * columns + column] = true }
        }
    }

    var raster: Raster { Raster(width: width, height: height, channels: 3, pixels: pixels) }

    /// Grid lines at `columns` and `rows` (pixel positions, each flagged major or not) inside the
    /// rectangle they span. Every pixel row is one of three patterns (between lines, on a minor
    /// line, on a major line), built once and copied.
    mutating func grid(columns: [(position: Int, major: Bool)], rows: [(position: Int, major: Bool)], majorThickness: Int) {
        guard let left = columns.first?.position, let right = columns.last?.position,
              let top = rows.first?.position, let bottom = rows.last?.position else { return }
        let x0 = max(0, left), x1 = min(width - 1, right + majorThickness - 1)
        var plain = [UInt8](repeating: 255, count: width * 3)
        var minor = plain, major = plain
        for x in x0...x1 {
            Self.put(.minorGrid, in: &minor, at: x)
            Self.put(.majorGrid, in: &major, at: x)
        }
        for column in columns {
            let thickness = column.major ? majorThickness : 1
            for x in column.position..<column.position + thickness where x >= 0 && x < width {
                let colour: Colour = column.major ? .majorGrid : .minorGrid
                Self.put(colour, in: &plain, at: x)
                if column.major { Self.put(colour, in: &minor, at: x) }
            }
        }
        var kind = [UInt8](repeating: 0, count: height)
        for row in rows {
            for y in row.position..<row.position + (row.major ? majorThickness : 1) where y >= 0 && y < height {
                kind[y] = max(kind[y], row.major ? 2 : 1)
            }
        }
        let rowBytes = width * 3
        pixels.withUnsafeMutableBufferPointer { out in
            for y in max(0, top)...min(height - 1, bottom + majorThickness - 1) {
                let pattern = kind[y] == 2 ? major : kind[y] == 1 ? minor : plain
                pattern.withUnsafeBufferPointer { source in
                    out.baseAddress!.advanced(by: y * rowBytes + x0 * 3)
                        .update(from: source.baseAddress!.advanced(by: x0 * 3), count: (x1 - x0 + 1) * 3)
                }
            }
        }
    }

    private static func put(_ colour: Colour, in row: inout [UInt8], at x: Int) {
        row[3 * x] = colour.red
        row[3 * x + 1] = colour.green
        row[3 * x + 2] = colour.blue
    }

    /// A polyline through `points` (pixel coordinates), `thickness` pixels wide: Bresenham steps,
    /// each stamping a square brush, clipped to the canvas.
    mutating func polyline(_ points: [(x: Double, y: Double)], thickness: Int, colour: Colour = .ink) {
        guard var previous = points.first.map({ (Int($0.x.rounded()), Int($0.y.rounded())) }) else { return }
        let width = width, height = height, offset = (thickness - 1) / 2
        let columns = (width + RestartJPEG.mcuSize - 1) / RestartJPEG.mcuSize
        var inked = inked
        defer { self.inked = inked }
        pixels.withUnsafeMutableBufferPointer { out in
            func stamp(_ x: Int, _ y: Int) {
                let left = max(0, x - offset), right = min(width - 1, x - offset + thickness - 1)
                let top = max(0, y - offset), bottom = min(height - 1, y - offset + thickness - 1)
                guard left <= right, top <= bottom else { return }
                Self.mark(&inked, columns: columns, left: left, right: right, top: top, bottom: bottom)
                for row in top...bottom {
                    var index = (row * width + left) * 3
                    for _ in left...right {
                        out[index] = colour.red
                        out[index + 1] = colour.green
                        out[index + 2] = colour.blue
                        index += 3
                    }
                }
            }
            stamp(previous.0, previous.1)
            for point in points.dropFirst() {
                let next = (Int(point.x.rounded()), Int(point.y.rounded()))
                var (x, y) = previous
                let dx = abs(next.0 - x), dy = -abs(next.1 - y)
                let stepX = x < next.0 ? 1 : -1, stepY = y < next.1 ? 1 : -1
                var error = dx + dy
                while x != next.0 || y != next.1 {
                    let doubled = 2 * error
                    if doubled >= dy { error += dy; x += stepX }
                    if doubled <= dx { error += dx; y += stepY }
                    stamp(x, y)
                }
                previous = next
            }
        }
    }

    /// ASCII text with its top-left corner at (x, y), each font pixel `scale` × `scale` pixels.
    mutating func text(_ string: String, x: Int, y: Int, scale: Int, colour: Colour = .ink) {
        let width = width, height = height
        let columns = (width + RestartJPEG.mcuSize - 1) / RestartJPEG.mcuSize
        var inked = inked
        defer { self.inked = inked }
        pixels.withUnsafeMutableBufferPointer { out in
            var originX = x
            for scalar in string.unicodeScalars {
                let rows = BitmapFont.rows(scalar.isASCII ? UInt8(scalar.value) : UInt8(ascii: "?"))
                for (rowIndex, bits) in rows.enumerated() where bits != 0 {
                    for column in 0..<BitmapFont.glyphWidth where bits & (0x10 >> UInt8(column)) != 0 {
                        let px = originX + column * scale, py = y + rowIndex * scale
                        let left = max(0, px), right = min(width - 1, px + scale - 1)
                        let top = max(0, py), bottom = min(height - 1, py + scale - 1)
                        if left <= right, top <= bottom {
                            Self.mark(&inked, columns: columns, left: left, right: right, top: top, bottom: bottom)
                        }
                        for dy in 0..<scale where py + dy >= 0 && py + dy < height {
                            for dx in 0..<scale where px + dx >= 0 && px + dx < width {
                                let index = ((py + dy) * width + px + dx) * 3
                                out[index] = colour.red
                                out[index + 1] = colour.green
                                out[index + 2] = colour.blue
                            }
                        }
                    }
                }
                originX += BitmapFont.advance * scale
            }
        }
    }
}
