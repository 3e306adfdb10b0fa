/// The transfer syntaxes whose pixel data Huimin decodes, by family (PS3.5 Annex A, PS3.6 Annex A).
public enum PixelEncoding: Sendable, Equatable {
    case native(bigEndian: Bool)
    case rle
    case jpegBaseline
    case jpegExtended
    case jpegLossless
    case jpegLS
    case jpeg2000

    public init(transferSyntaxUID: String) throws(RenderError) {
        switch transferSyntaxUID {
        case "1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.1.99": self = .native(bigEndian: false)
        case "1.2.840.10008.1.2.2": self = .native(bigEndian: true)
        case "1.2.840.10008.1.2.5": self = .rle
        case "1.2.840.10008.1.2.4.50": self = .jpegBaseline
        case "1.2.840.10008.1.2.4.51": self = .jpegExtended
        case "1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70": self = .jpegLossless
        case "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81": self = .jpegLS
        case "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91": self = .jpeg2000
        default: throw .unsupported("transfer syntax \(transferSyntaxUID) has no pixel decoder")
        }
    }

    public var isEncapsulated: Bool {
        if case .native = self { return false }
        return true
    }
}
