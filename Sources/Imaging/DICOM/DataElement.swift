/// One attribute as read from a file.
public struct DataElement: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        /// The value's bytes as they were in the file (byte order of the data set).
        case bytes([UInt8])
        /// A sequence (SQ): one data set per item.
        case sequence([DataSet])
        /// Encapsulated pixel data (PS3.5 A.4): the Basic Offset Table and the fragments after it.
        case encapsulated(offsetTable: [UInt32], fragments: [[UInt8]])
    }

    public let tag: Tag
    public let vr: VR
    public let value: Value

    public init(tag: Tag, vr: VR, value: Value) {
        self.tag = tag
        self.vr = vr
        self.value = value
    }
}

/// Pixel data as the file holds it: native (uncompressed) bytes, or encapsulated fragments.
public enum PixelDataValue: Sendable, Equatable {
    case native([UInt8])
    case encapsulated(offsetTable: [UInt32], fragments: [[UInt8]])
}
