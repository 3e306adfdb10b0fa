/// How samples become colours (PS3.3 C.7.6.3.1.2).
public enum PhotometricInterpretation: String, Sendable {
    case monochrome1 = "MONOCHROME1"
    case monochrome2 = "MONOCHROME2"
    case paletteColor = "PALETTE COLOR"
    case rgb = "RGB"
    case ybrFull = "YBR_FULL"
    case ybrFull422 = "YBR_FULL_422"
    case ybrPartial420 = "YBR_PARTIAL_420"
    case ybrICT = "YBR_ICT"
    case ybrRCT = "YBR_RCT"

    public var isMonochrome: Bool { self == .monochrome1 || self == .monochrome2 }
}
