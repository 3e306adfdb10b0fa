import Imaging

/// The DICOM JSON (PS3.18 F.2) WADO-RS answers for an instance's metadata, made once at ingest.
/// Pixel data is left out: viewers fetch pixels through `/frames`, and the index must not carry
/// megabytes per instance. Other binary values (palette LUTs, overlays) ride along inline.
enum MetadataDocument {
    static func encode(_ file: DICOMFile) throws -> [UInt8] {
        var elements = file.dataSet.elements
        elements[.pixelData] = nil
        let data = DataSet(elements: elements, bigEndian: file.dataSet.bigEndian, characterSet: file.dataSet.characterSet)
        return data.dicomJSON(bulkDataURI: { _ in nil })
    }
}
