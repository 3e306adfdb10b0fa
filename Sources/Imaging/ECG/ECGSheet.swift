/// The standard 12-lead sheet on A4 landscape: 25 mm/s, 10 mm/mV, a 1 mm / 5 mm grid, three rows
/// of four 2.5 s columns (I aVR V1 V4 / II aVL V2 V5 / III aVF V3 V6), a 10 s lead II rhythm
/// strip, a 1 mV calibration pulse at the start of each row, lead labels and a header.
public enum ECGSheet {
    public enum Resolution: String, Sendable, CaseIterable {
        /// About 400 px wide: a list's preview, without text or minor grid.
        case thumbnail
        /// 1600 px wide, for a browser.
        case screen
        /// 300 dpi: 3508 × 2480.
        case print

        public var pixelsPerMM: Double {
            switch self {
            case .thumbnail: 400 / SheetLayout.pageWidth
            case .screen: 1600 / SheetLayout.pageWidth
            case .print: 300 / 25.4
            }
        }

        public var size: (width: Int, height: Int) {
            (Int((SheetLayout.pageWidth * pixelsPerMM).rounded()), Int((SheetLayout.pageHeight * pixelsPerMM).rounded()))
        }

        /// Traces about 0.25 mm wide when printed; one pixel where pixels are coarser than that.
        var traceThickness: Int { max(1, Int((pixelsPerMM * 0.25).rounded())) }
        var majorGridThickness: Int { pixelsPerMM >= 10 ? 2 : 1 }
        /// Font pixels per font dot: text about 2.4 mm tall. Nil where text could not be read.
        var textScale: Int? { pixelsPerMM >= 3 ? max(1, Int((pixelsPerMM * 0.34).rounded())) : nil }
        var showsMinorGrid: Bool { pixelsPerMM >= 3 }
    }

    /// The layout of the rows: leads of the 3 × 4 block, then the rhythm strip.
    public static let rows = [["I", "aVR", "V1", "V4"], ["II", "aVL", "V2", "V5"], ["III", "aVF", "V3", "V6"]]
    public static let rhythmLead = "II"

    /// The grid is the same on every sheet of a resolution: it is drawn and encoded once (see
    /// SheetPaper), and a sheet costs its traces and text.
    public static func jpeg(_ recording: ECGRecording, header: ECGSheetHeader, resolution: Resolution) throws(RenderError) -> [UInt8] {
        let paper = try SheetPaper.of(resolution)
        let canvas = draw(recording, header: header, resolution: resolution, on: paper.grid)
        return try paper.jpeg(canvas)
    }

    /// Quality 75 keeps traces, text and the minor grid looking as at 85 (compared side by side)
    /// in a quarter fewer bytes to encode, hash and write.
    public static let jpegQuality = 75

    public static func raster(_ recording: ECGRecording, header: ECGSheetHeader, resolution: Resolution) -> Raster {
        draw(recording, header: header, resolution: resolution, on: SheetPaper.grid(resolution)).raster
    }

    private static func draw(_ recording: ECGRecording, header: ECGSheetHeader, resolution: Resolution, on grid: Raster) -> SheetCanvas {
        let layout = SheetLayout(pixelsPerMM: resolution.pixelsPerMM)
        var canvas = SheetCanvas(paper: grid)
        let thickness = resolution.traceThickness
        let offsets = Dictionary(recording.leads.map { ($0.name, baseline($0.samples)) }, uniquingKeysWith: { first, _ in first })
        let columnSeconds = SheetLayout.stripSeconds / Double(rows[0].count)
        for (rowIndex, leads) in (rows + [[rhythmLead]]).enumerated() {
            let baseline = SheetLayout.baseline(row: rowIndex)
            canvas.polyline(layout.calibrationPulse(baseline: baseline), thickness: thickness)
            let seconds = leads.count == 1 ? SheetLayout.stripSeconds : columnSeconds
            for (columnIndex, name) in leads.enumerated() {
                let start = Double(columnIndex) * seconds
                let left = SheetLayout.traceLeft + start * SheetLayout.paperSpeed
                if columnIndex > 0 { canvas.polyline(layout.columnMarker(x: left, baseline: baseline), thickness: thickness) }
                if let scale = resolution.textScale {
                    let label = leads.count == 1 ? "\(name) (rhythm)" : name
                    canvas.text(label, x: layout.pixels(left + 1), y: layout.pixels(baseline - 14), scale: scale)
                }
                guard let lead = recording.lead(name) else { continue }
                canvas.polyline(layout.trace(lead.samples, offset: offsets[name] ?? 0, rate: recording.samplingRate,
                                             from: start, seconds: seconds, left: left, baseline: baseline),
                                thickness: thickness)
            }
        }
        if let scale = resolution.textScale { drawHeader(header, recording: recording, on: &canvas, layout: layout, scale: scale) }
        return canvas
    }

    private static func drawHeader(_ header: ECGSheetHeader, recording: ECGRecording, on canvas: inout SheetCanvas,
                                   layout: SheetLayout, scale: Int) {
        let lines = [
            header.patient,
            [header.time, header.device.map { "Device " + $0 }].compactMap { $0 }.joined(separator: "   "),
            header.measurementLine,
        ]
        let left = layout.pixels(SheetLayout.gridLeft)
        for (index, line) in lines.enumerated() where !line.isEmpty {
            canvas.text(line, x: left, y: layout.pixels(SheetLayout.headerTop + Double(index) * SheetLayout.headerLineHeight), scale: scale)
        }
        let rate = recording.samplingRate.rounded() == recording.samplingRate ? String(Int(recording.samplingRate)) : String(recording.samplingRate)
        let settings = "25 mm/s   10 mm/mV   \(rate) Hz"
        canvas.text(settings, x: layout.pixels(SheetLayout.gridRight) - BitmapFont.width(settings, scale: scale),
                    y: layout.pixels(SheetLayout.headerTop), scale: scale)
    }

    /// The lead's mean: subtracting it keeps a trace with a DC offset on its row.
    private static func baseline(_ samples: [Int32]) -> Double {
        guard !samples.isEmpty else { return 0 }
        return Double(samples.reduce(0) { $0 + Int($1) }) / Double(samples.count)
    }
}
