/// The paper's 1 mm / 5 mm grid, drawn once per resolution (see SheetPaper).
enum SheetGrid {
    /// A white page of `width` × `height` with grid lines at `columns` and `rows` (pixel positions,
    /// each flagged major or not) inside the rectangle they span. Every pixel row is one of three
    /// patterns (between lines, on a minor line, on a major line), built once and copied.
    static func page(width: Int, height: Int, columns: [(position: Int, major: Bool)], rows: [(position: Int, major: Bool)],
                     majorThickness: Int) -> Raster {
        var pixels = [UInt8](repeating: 255, count: width * height * 3)
        guard let left = columns.first?.position, let right = columns.last?.position,
              let top = rows.first?.position, let bottom = rows.last?.position else {
            return Raster(width: width, height: height, channels: 3, pixels: pixels)
        }
        let x0 = max(0, left), x1 = min(width - 1, right + majorThickness - 1)
        var plain = [UInt8](repeating: 255, count: width * 3)
        var minor = plain, major = plain
        for x in x0...x1 {
            put(.minorGrid, in: &minor, at: x)
            put(.majorGrid, in: &major, at: x)
        }
        for column in columns {
            let thickness = column.major ? majorThickness : 1
            for x in column.position..<column.position + thickness where x >= 0 && x < width {
                let colour: SheetCanvas.Colour = column.major ? .majorGrid : .minorGrid
                put(colour, in: &plain, at: x)
                if column.major { put(colour, in: &minor, at: x) }
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
        return Raster(width: width, height: height, channels: 3, pixels: pixels)
    }

    private static func put(_ colour: SheetCanvas.Colour, in row: inout [UInt8], at x: Int) {
        row[3 * x] = colour.red
        row[3 * x + 1] = colour.green
        row[3 * x + 2] = colour.blue
    }
}
