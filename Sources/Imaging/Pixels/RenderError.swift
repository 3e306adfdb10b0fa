/// Why pixel data could not be turned into an image. Every failure of decoding or rendering is one
/// of these, so a thumbnail worker can record the reason and fall back to a placeholder.
public enum RenderError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The data set lacks an attribute the pixel module requires.
    case missingAttribute(String)
    /// Attribute values contradict each other or the pixel data (e.g. too few bytes for the frames).
    case invalid(String)
    /// Valid data we do not decode (a transfer syntax or pixel layout without a decoder).
    case unsupported(String)
    /// A compressed stream the codec rejected.
    case corrupt(String)

    public var description: String {
        switch self {
        case .missingAttribute(let name): "missing attribute: \(name)"
        case .invalid(let reason): "invalid pixel data: \(reason)"
        case .unsupported(let reason): "unsupported: \(reason)"
        case .corrupt(let reason): "corrupt stream: \(reason)"
        }
    }
}
