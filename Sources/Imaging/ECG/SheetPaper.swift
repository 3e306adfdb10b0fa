import Synchronization

/// The empty sheet of one resolution: the paper grid, drawn once, and its JPEG taken apart MCU
/// by MCU. Every sheet is drawn over a copy of the grid, and only the MCUs that traces and text
/// reach (about 15% of a screen sheet, 8% of a print sheet) are encoded; the rest are copied.
struct SheetPaper: Sendable {
    let grid: Raster
    let encoded: RestartJPEG

    private static let papers = Mutex<[ECGSheet.Resolution: SheetPaper]>([:])

    static func of(_ resolution: ECGSheet.Resolution) throws(RenderError) -> SheetPaper {
        if let paper = papers.withLock({ $0[resolution] }) { return paper }
        // Two first sheets at once may both draw the paper; the copies are the same.
        let paper = try SheetPaper(resolution)
        papers.withLock { $0[resolution] = paper }
        return paper
    }

    /// The grid alone, for drawing without encoding.
    static func grid(_ resolution: ECGSheet.Resolution) -> Raster {
        if let paper = papers.withLock({ $0[resolution] }) { return paper.grid }
        return drawGrid(resolution)
    }

    private init(_ resolution: ECGSheet.Resolution) throws(RenderError) {
        grid = Self.drawGrid(resolution)
        encoded = try RestartJPEG(grid, quality: ECGSheet.jpegQuality)
    }

    private static func drawGrid(_ resolution: ECGSheet.Resolution) -> Raster {
        let layout = SheetLayout(pixelsPerMM: resolution.pixelsPerMM)
        let size = resolution.size
        var canvas = SheetCanvas(width: size.width, height: size.height)
        canvas.grid(columns: layout.gridLines(from: SheetLayout.gridLeft, to: SheetLayout.gridRight, minor: resolution.showsMinorGrid),
                    rows: layout.gridLines(from: SheetLayout.gridTop, to: SheetLayout.gridBottom, minor: resolution.showsMinorGrid),
                    majorThickness: resolution.majorGridThickness)
        return canvas.raster
    }

    /// The JPEG of `sheet`, a copy of this grid drawn on in the MCUs `inked` (indexes in raster
    /// order): those are encoded together as one strip, then spliced between the paper's own.
    func jpeg(_ sheet: Raster, inked: [Int]) throws(RenderError) -> [UInt8] {
        precondition(sheet.width == grid.width && sheet.height == grid.height && sheet.channels == 3)
        var mcus = encoded.mcus
        if !inked.isEmpty {
            // 256 MCUs a strip row keeps the strip within JPEG's 65,535-pixel side at any count.
            let stripColumns = min(inked.count, 256), stripRows = (inked.count + stripColumns - 1) / stripColumns
            let strip = Self.strip(of: inked, from: sheet, stripColumns: stripColumns, stripRows: stripRows)
            let stripMCUs = try RestartJPEG(strip, quality: ECGSheet.jpegQuality).mcus
            for (position, mcu) in inked.enumerated() { mcus[mcu] = stripMCUs[position] }
        }
        return RestartJPEG.assemble(header: encoded.header, mcus: mcus)
    }

    /// The MCUs `indexes` of `sheet`, side by side in raster order. An MCU past the image's right
    /// or bottom edge repeats the edge pixels, as libjpeg pads it.
    private static func strip(of indexes: [Int], from sheet: Raster, stripColumns: Int, stripRows: Int) -> Raster {
        let size = RestartJPEG.mcuSize, width = sheet.width, height = sheet.height
        let columns = (width + size - 1) / size, stripWidth = stripColumns * size
        var pixels = [UInt8](repeating: 255, count: stripWidth * stripRows * size * 3)
        sheet.pixels.withUnsafeBufferPointer { source in
            pixels.withUnsafeMutableBufferPointer { strip in
                for (position, index) in indexes.enumerated() {
                    let left = index % columns * size, top = index / columns * size
                    let stripLeft = position % stripColumns * size, stripTop = position / stripColumns * size
                    let inside = min(size, width - left)
                    for line in 0..<size {
                        let from = (min(top + line, height - 1) * width + left) * 3
                        let to = ((stripTop + line) * stripWidth + stripLeft) * 3
                        (strip.baseAddress! + to).update(from: source.baseAddress! + from, count: inside * 3)
                        for x in inside..<size {
                            (strip.baseAddress! + to + x * 3).update(from: source.baseAddress! + from + (inside - 1) * 3, count: 3)
                        }
                    }
                }
            }
        }
        return Raster(width: stripWidth, height: stripRows * size, channels: 3, pixels: pixels)
    }
}
