/// JPEG Lossless, process 14 (ITU-T T.81 Annex H): Huffman-coded differences from one of seven
/// predictors, 2 to 16 bits, with an optional point transform. Components must be unsampled
/// (H = V = 1), which is what DICOM writers produce.
enum JPEGLosslessDecoder {
    static func decode(_ frame: [UInt8], _ image: ImageDescription) throws(RenderError) -> DecodedFrame {
        let scan = try JPEGScan(frame)
        guard scan.process == .lossless else { throw .unsupported("JPEG \(scan.process) stream where lossless was expected") }
        guard (1...7).contains(scan.selection) else { throw .corrupt("lossless predictor \(scan.selection)") }
        var samples = try decodeScan(frame, scan)
        normalizeStoredValues(&samples, bitsStored: image.bitsStored, signed: image.isSigned)
        return DecodedFrame(columns: scan.columns, rows: scan.rows, samplesPerPixel: scan.components,
                            photometric: image.photometric, samples: samples)
    }

    private static func decodeScan(_ stream: [UInt8], _ scan: JPEGScan) throws(RenderError) -> [Int32] {
        let width = scan.columns, height = scan.rows, components = scan.components
        let rowLength = width * components
        var output = [Int32](repeating: 0, count: rowLength * height)
        var reader = EntropyReader(stream, start: scan.dataStart)
        let initial = Int32(1) << Int32(scan.precision - scan.pointTransform - 1)
        let modulo = Int32(0xFFFF)
        var firstRowOfInterval = 0
        var mcusLeft = scan.restartInterval
        try output.withUnsafeMutableBufferPointer { (out: inout UnsafeMutableBufferPointer<Int32>) throws(RenderError) in
            for row in 0..<height {
                for column in 0..<width {
                    if scan.restartInterval > 0 {
                        if mcusLeft == 0 {
                            try reader.restart()
                            mcusLeft = scan.restartInterval
                            firstRowOfInterval = row
                        }
                        mcusLeft -= 1
                    }
                    for component in 0..<components {
                        let index = row * rowLength + column * components + component
                        let difference = try reader.difference(scan.dcTables[component])
                        let prediction: Int32
                        if row == firstRowOfInterval {
                            // The first line predicts from the left; its first sample from mid-range.
                            prediction = column == 0 ? initial : out[index - components]
                        } else if column == 0 {
                            prediction = out[index - rowLength]
                        } else {
                            let a = out[index - components], b = out[index - rowLength], c = out[index - rowLength - components]
                            switch scan.selection {
                            case 1: prediction = a
                            case 2: prediction = b
                            case 3: prediction = c
                            case 4: prediction = a + b - c
                            case 5: prediction = a + ((b - c) >> 1)
                            case 6: prediction = b + ((a - c) >> 1)
                            default: prediction = (a + b) >> 1
                            }
                        }
                        out[index] = (prediction + difference) & modulo
                    }
                }
            }
            if scan.pointTransform > 0 {
                let shift = Int32(scan.pointTransform)
                for index in out.indices { out[index] <<= shift }
            }
        }
        return output
    }
}
