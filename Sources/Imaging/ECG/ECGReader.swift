/// Reads an ECG file of any supported format, recognised by its first bytes: a DICOM Part 10
/// preamble, XML (HL7 aECG) or a JSON object (Huimin's cart format).
public enum ECGReader {
    public static func read(_ bytes: [UInt8]) throws(ECGError) -> ECGRecording {
        if bytes.count > 132, bytes[128..<132].elementsEqual("DICM".utf8) { return try DICOMWaveformReader.read(bytes) }
        // Skip a UTF-8 byte-order mark and leading whitespace.
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        switch bytes[start...].first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) {
        case UInt8(ascii: "<"): return try AECGReader.read(bytes)
        case UInt8(ascii: "{"): return try ECGJSONReader.read(bytes)
        default: throw .notECG(format: "ecg", reason: "the data is neither DICOM, HL7 aECG XML nor Huimin ECG JSON")
        }
    }
}
