/// The start-of-frame segment of a JPEG stream: which process made it and at what precision.
/// Decides which decoder a JPEG-family frame needs before handing it to one.
struct JPEGFrameHeader {
    enum Process {
        case baseline, extended, progressive, lossless
    }

    let process: Process
    let precision: Int
    let components: Int
    /// Whether a JFIF (APP0) or Adobe (APP14) marker says how the components are coded; without
    /// one, libjpeg guesses YCbCr for three components.
    let declaresColourSpace: Bool

    init(_ stream: [UInt8]) throws(RenderError) {
        guard stream.count > 4, stream[0] == 0xFF, stream[1] == 0xD8 else { throw .corrupt("JPEG stream without SOI marker") }
        var position = 2
        var declared = false
        while position + 4 <= stream.count {
            guard stream[position] == 0xFF else { throw .corrupt("JPEG marker expected at byte \(position)") }
            let marker = stream[position + 1]
            if marker == 0xFF { position += 1; continue }
            let length = Int(stream[position + 2]) << 8 | Int(stream[position + 3])
            if marker == 0xE0 || marker == 0xEE, position + 9 <= stream.count {
                let name = stream[position + 4..<position + 9]
                declared = declared || name.elementsEqual("JFIF\0".utf8) || name.elementsEqual("Adobe".utf8)
            }
            let process: Process? = switch marker {
            case 0xC0: .baseline
            case 0xC1, 0xC9: .extended
            case 0xC2, 0xCA: .progressive
            case 0xC3, 0xCB: .lossless
            default: nil
            }
            if let process {
                guard position + 10 <= stream.count else { throw .corrupt("JPEG frame header truncated") }
                self.process = process
                precision = Int(stream[position + 4])
                components = Int(stream[position + 9])
                declaresColourSpace = declared
                return
            }
            position += 2 + length
        }
        throw .corrupt("JPEG stream without a frame header")
    }
}
