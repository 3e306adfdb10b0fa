/// Drawing over a resolution's paper with the few primitives an ECG sheet needs: thick polylines
/// and bitmap text. Traces and text reach about 15% of a sheet's 16 × 16 pixel JPEG MCUs, so the
/// canvas keeps only those, each copied from the paper when first drawn in, instead of a copy of
/// the whole page (5 MB at screen size, 26 MB at print, most of it never changed).
struct SheetCanvas {
    struct Colour: Equatable {
        let red: UInt8, green: UInt8, blue: UInt8
        static let ink = Colour(red: 0, green: 0, blue: 0)
        static let minorGrid = Colour(red: 251, green: 214, blue: 214)
        static let majorGrid = Colour(red: 230, green: 128, blue: 128)
    }

    /// 16 × 16 RGB pixels: `Brush` works in shifts by 4.
    static let tileBytes = 16 * 16 * 3

    private let paper: Raster
    var width: Int { paper.width }
    var height: Int { paper.height }
    private let columns: Int
    /// The MCUs drawn in (indexes in raster order), in the order first drawn in.
    private(set) var inkedMCUs: [Int] = []
    private var drawn: [Bool]
    /// Every MCU's 16 rows of 16 RGB pixels, MCU after MCU in raster order, left uninitialised
    /// (so its memory is never touched) until the MCU is first drawn in and copied from the paper.
    /// Pixels of an edge MCU past the page's right or bottom edge are never drawn and never read.
    private var tiles: [UInt8]

    init(paper: Raster) {
        precondition(paper.channels == 3 && RestartJPEG.mcuSize == 16)
        self.paper = paper
        columns = (paper.width + RestartJPEG.mcuSize - 1) / RestartJPEG.mcuSize
        let count = RestartJPEG.mcuCount(width: paper.width, height: paper.height)
        drawn = [Bool](repeating: false, count: count)
        tiles = [UInt8](unsafeUninitializedCapacity: count * Self.tileBytes) { _, initialised in initialised = count * Self.tileBytes }
    }

    /// The page: the paper with the drawn MCUs over it.
    var raster: Raster {
        var pixels = paper.pixels
        forEachTile { left, top, inside, tile in
            pixels.withUnsafeMutableBufferPointer { page in
                for line in 0..<inside.height {
                    (page.baseAddress! + ((top + line) * width + left) * 3)
                        .update(from: tile + line * RestartJPEG.mcuSize * 3, count: inside.width * 3)
                }
            }
        }
        return Raster(width: width, height: height, channels: 3, pixels: pixels)
    }

    /// The drawn MCUs side by side, `stripColumns` to a row, in `inkedMCUs` order. An MCU past the
    /// page's right or bottom edge repeats the edge pixels, as libjpeg pads it.
    func strip(stripColumns: Int) -> Raster {
        let size = RestartJPEG.mcuSize
        let stripRows = (inkedMCUs.count + stripColumns - 1) / stripColumns, stripWidth = stripColumns * size
        var pixels = [UInt8](repeating: 255, count: stripWidth * stripRows * size * 3)
        var position = 0
        forEachTile { _, _, inside, tile in
            pixels.withUnsafeMutableBufferPointer { strip in
                let stripLeft = position % stripColumns * size, stripTop = position / stripColumns * size
                for line in 0..<size {
                    let from = tile + min(line, inside.height - 1) * size * 3
                    let to = strip.baseAddress! + ((stripTop + line) * stripWidth + stripLeft) * 3
                    to.update(from: from, count: inside.width * 3)
                    for x in inside.width..<size { (to + x * 3).update(from: from + (inside.width - 1) * 3, count: 3) }
                }
            }
            position += 1
        }
        return Raster(width: stripWidth, height: stripRows * size, channels: 3, pixels: pixels)
    }

    /// Each drawn MCU, in `inkedMCUs` order: its top-left pixel, how much of it lies on the page,
    /// its pixels.
    private func forEachTile(_ body: (Int, Int, (width: Int, height: Int), UnsafePointer<UInt8>) -> Void) {
        let size = RestartJPEG.mcuSize
        tiles.withUnsafeBufferPointer { tiles in
            for mcu in inkedMCUs {
                let left = mcu % columns * size, top = mcu / columns * size
                body(left, top, (min(size, width - left), min(size, height - top)), tiles.baseAddress! + mcu * Self.tileBytes)
            }
        }
    }

    /// Runs `body` with the canvas's memory in hand, so painting pays for no checks per pixel.
    private mutating func paint(_ body: (inout Brush) -> Void) {
        var newlyInked: [Int] = []
        let (width, height, columns) = (width, height, columns)
        paper.pixels.withUnsafeBufferPointer { page in
            tiles.withUnsafeMutableBufferPointer { tiles in
                drawn.withUnsafeMutableBufferPointer { drawn in
                    var brush = Brush(page: page.baseAddress!, tiles: tiles.baseAddress!, drawn: drawn.baseAddress!,
                                      width: width, height: height, columns: columns)
                    body(&brush)
                    newlyInked = brush.newlyInked
                }
            }
        }
        inkedMCUs += newlyInked
    }

    private struct Brush {
        let page: UnsafePointer<UInt8>
        let tiles: UnsafeMutablePointer<UInt8>
        let drawn: UnsafeMutablePointer<Bool>
        let width: Int, height: Int, columns: Int
        var newlyInked: [Int] = []

        /// Paints the pixel rectangle left...right × top...bottom, clipped to the page. MCUs are
        /// 16 pixels square, so shifts and masks find them.
        mutating func fill(left: Int, right: Int, top: Int, bottom: Int, colour: Colour) {
            let left = max(0, left), right = min(width - 1, right), top = max(0, top), bottom = min(height - 1, bottom)
            guard left <= right, top <= bottom else { return }
            for row in top >> 4...bottom >> 4 {
                let y0 = max(top, row << 4) & 15, y1 = min(bottom, (row << 4) + 15) & 15
                for column in left >> 4...right >> 4 {
                    let tile = self.tile(row * columns + column)
                    let x0 = max(left, column << 4) & 15, count = (min(right, (column << 4) + 15) & 15) - x0 + 1
                    for y in y0...y1 {
                        var pixel = tile + (y << 4 + x0) * 3
                        for _ in 0..<count {
                            pixel[0] = colour.red
                            pixel[1] = colour.green
                            pixel[2] = colour.blue
                            pixel += 3
                        }
                    }
                }
            }
        }

        /// MCU `mcu`'s pixels, copied from the paper when it is first drawn in.
        private mutating func tile(_ mcu: Int) -> UnsafeMutablePointer<UInt8> {
            let tile = tiles + mcu * SheetCanvas.tileBytes
            if drawn[mcu] { return tile }
            let size = RestartJPEG.mcuSize, left = mcu % columns * size, top = mcu / columns * size
            let insideWidth = min(size, width - left)
            for line in 0..<min(size, height - top) {
                (tile + line * size * 3).update(from: page + ((top + line) * width + left) * 3, count: insideWidth * 3)
            }
            drawn[mcu] = true
            newlyInked.append(mcu)
            return tile
        }
    }

    /// A polyline through `points` (pixel coordinates), `thickness` pixels wide: Bresenham steps,
    /// each stamping a square brush, clipped to the canvas. A trace has several samples to a pixel
    /// column, so the steps come mostly in vertical runs; a run's stamps are painted as the one
    /// rectangle they cover, not brush by brush.
    mutating func polyline(_ points: [(x: Double, y: Double)], thickness: Int, colour: Colour = .ink) {
        guard let first = points.first else { return }
        let offset = (thickness - 1) / 2
        paint { brush in
            var previous = (Self.pixel(first.x), Self.pixel(first.y))
            // Steps move y by at most one, so the stamps of a run in one column cover low...high.
            var run = (x: previous.0, low: previous.1, high: previous.1)
            func stamp(_ x: Int, _ y: Int) {
                if x == run.x {
                    run.low = min(run.low, y)
                    run.high = max(run.high, y)
                    return
                }
                paintRun()
                run = (x, y, y)
            }
            func paintRun() {
                brush.fill(left: run.x - offset, right: run.x - offset + thickness - 1, top: run.low - offset,
                           bottom: run.high - offset + thickness - 1, colour: colour)
            }
            for point in points.dropFirst() {
                let next = (Self.pixel(point.x), Self.pixel(point.y))
                // Within the run's column the steps would be vertical: the run just stretches.
                if next.0 == run.x {
                    run.low = min(run.low, next.1)
                    run.high = max(run.high, next.1)
                    previous = next
                    continue
                }
                Self.steps(from: previous, to: next, stamp)
                previous = next
            }
            paintRun()
        }
    }

    /// The pixels of a Bresenham line after `start`, up to and including `end`.
    static func steps(from start: (Int, Int), to end: (Int, Int), _ visit: (Int, Int) -> Void) {
        var (x, y) = start
        let dx = abs(end.0 - x), dy = -abs(end.1 - y)
        let stepX = x < end.0 ? 1 : -1, stepY = y < end.1 ? 1 : -1
        var error = dx + dy
        while x != end.0 || y != end.1 {
            let doubled = 2 * error
            if doubled >= dy { error += dy; x += stepX }
            if doubled <= dx { error += dx; y += stepY }
            visit(x, y)
        }
    }

    /// Rounded half away from zero, as `rounded()` does, without its call into libm (the default
    /// x86-64 target has no rounding instruction), which took 2% of an ECG ingest.
    private static func pixel(_ value: Double) -> Int {
        let whole = Int(value), fraction = value - Double(whole)
        return fraction >= 0.5 ? whole + 1 : (fraction <= -0.5 ? whole - 1 : whole)
    }

    /// ASCII text with its top-left corner at (x, y), each font pixel `scale` × `scale` pixels.
    mutating func text(_ string: String, x: Int, y: Int, scale: Int, colour: Colour = .ink) {
        paint { brush in
            var originX = x
            for scalar in string.unicodeScalars {
                let rows = BitmapFont.rows(scalar.isASCII ? UInt8(scalar.value) : UInt8(ascii: "?"))
                for (rowIndex, bits) in rows.enumerated() where bits != 0 {
                    for column in 0..<BitmapFont.glyphWidth where bits & (0x10 >> UInt8(column)) != 0 {
                        let px = originX + column * scale, py = y + rowIndex * scale
                        brush.fill(left: px, right: px + scale - 1, top: py, bottom: py + scale - 1, colour: colour)
                    }
                }
                originX += BitmapFont.advance * scale
            }
        }
    }
}
