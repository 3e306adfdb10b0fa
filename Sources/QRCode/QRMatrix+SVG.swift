extension QRMatrix {
    /// An SVG image: one `<path>` tracing every horizontal run of dark modules over a white
    /// square. `crispEdges` stops anti-aliasing seams between modules, which some scanners
    /// misread as light gaps.
    /// - Parameters:
    ///   - moduleSize: pixels per module; the viewBox is `(size + 2 × margin) × moduleSize` square.
    ///   - margin: quiet zone in modules; the QR standard asks for 4.
    public func svg(moduleSize: Int = 8, margin: Int = 4) -> String {
        let unit = max(1, moduleSize)
        let quiet = max(0, margin)
        let side = (size + 2 * quiet) * unit
        var path = ""
        for y in 0..<size {
            var x = 0
            while x < size {
                guard isDark(x: x, y: y) else { x += 1; continue }
                let start = x
                while x < size, isDark(x: x, y: y) { x += 1 }
                let width = (x - start) * unit
                path += "M\((start + quiet) * unit),\((y + quiet) * unit)h\(width)v\(unit)h-\(width)z"
            }
        }
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(side)" height="\(side)" viewBox="0 0 \(side) \(side)" shape-rendering="crispEdges">\
            <rect width="\(side)" height="\(side)" fill="#ffffff"/>\
            <path fill="#000000" d="\(path)"/>\
            </svg>

            """
    }
}
