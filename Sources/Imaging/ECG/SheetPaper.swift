import Synchronization

/// The empty sheet of one resolution: the paper grid, drawn once, and its JPEG taken apart MCU
/// by MCU. Every sheet is drawn over the grid, and only the MCUs that traces and text reach
/// (about 15% of a screen sheet, 8% of a print sheet) are encoded; the rest are copied.
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
        return SheetGrid.page(width: size.width, height: size.height,
                              columns: layout.gridLines(from: SheetLayout.gridLeft, to: SheetLayout.gridRight, minor: resolution.showsMinorGrid),
                              rows: layout.gridLines(from: SheetLayout.gridTop, to: SheetLayout.gridBottom, minor: resolution.showsMinorGrid),
                              majorThickness: resolution.majorGridThickness)
    }

    /// The JPEG of `canvas`, drawn over this paper: the MCUs it drew in are encoded together as
    /// one strip, then spliced between the paper's own.
    func jpeg(_ canvas: SheetCanvas) throws(RenderError) -> [UInt8] {
        precondition(canvas.width == grid.width && canvas.height == grid.height)
        var mcus = encoded.mcus
        let inked = canvas.inkedMCUs
        if !inked.isEmpty {
            // 256 MCUs a strip row keeps the strip within JPEG's 65,535-pixel side at any count.
            let strip = canvas.strip(stripColumns: min(inked.count, 256))
            let stripMCUs = try RestartJPEG(strip, quality: ECGSheet.jpegQuality).mcus
            for (position, mcu) in inked.enumerated() { mcus[mcu] = stripMCUs[position] }
        }
        return RestartJPEG.assemble(header: encoded.header, mcus: mcus)
    }
}
