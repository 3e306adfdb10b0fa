import Foundation
import Imaging
import TestSupport
import Testing

extension ImagingTestSuite {
    @Suite("DICOM JSON (PS3.18 F.2)")
    struct DICOMJSONTests {
        private func object(_ dataSet: DataSet, bulkDataURI: (Imaging.Tag) -> String? = { _ in nil }) throws -> [String: Any] {
            let json = dataSet.dicomJSON(bulkDataURI: bulkDataURI)
            let parsed = try JSONSerialization.jsonObject(with: Data(json))
            return try #require(parsed as? [String: Any])
        }

        private func attribute(_ object: [String: Any], _ key: String) -> [String: Any] {
            object[key] as? [String: Any] ?? [:]
        }

        @Test("a CT instance: numbers as numbers, PN as groups, pixel data by bulk data URI")
        func ctSmall() throws {
            let dataSet = try DICOMFile.read(DICOMSamples.testFile("CT_small.dcm")).dataSet
            let json = try object(dataSet) { $0 == .pixelData ? "https://pacs/bulk/7FE00010" : nil }
            #expect(attribute(json, "00100010")["vr"] as? String == "PN")
            let name = (attribute(json, "00100010")["Value"] as? [[String: String]])?.first
            #expect(name == ["Alphabetic": "CompressedSamples^CT1"])
            #expect(attribute(json, "00280010")["Value"] as? [Int] == [128])
            #expect(attribute(json, "00281052")["vr"] as? String == "DS")
            #expect(attribute(json, "00281052")["Value"] as? [Double] == [-1024])
            #expect(attribute(json, "00080060")["Value"] as? [String] == ["CT"])
            #expect(attribute(json, "00200013")["Value"] as? [Int] == [1])
            #expect(attribute(json, "7FE00010")["BulkDataURI"] as? String == "https://pacs/bulk/7FE00010")
            #expect(attribute(json, "7FE00010")["InlineBinary"] == nil)
            #expect(json.keys.allSatisfy { $0.count == 8 && !$0.hasSuffix("0000") })
        }

        @Test("Chinese names keep their three groups; sequences nest as objects")
        func chineseAndSequences() throws {
            let chinese = try DICOMFile.read(DICOMSamples.bytes("pydicom/data/charset_files/chrX2.dcm")).dataSet
            let name = (attribute(try object(chinese), "00100010")["Value"] as? [[String: String]])?.first
            #expect(name == ["Alphabetic": "Wang^XiaoDong", "Ideographic": "王^小东"])

            let encoded = try DICOMFile.read(DICOMSamples.bytes("pydicom/data/charset_files/chrSQEncoding.dcm")).dataSet
            let procedures = attribute(try object(encoded), "00321064")
            #expect(procedures["vr"] as? String == "SQ")
            let item = (procedures["Value"] as? [[String: Any]])?.first ?? [:]
            let japanese = (attribute(item, "00100010")["Value"] as? [[String: String]])?.first
            #expect(japanese == ["Alphabetic": "ﾔﾏﾀﾞ^ﾀﾛｳ", "Ideographic": "山田^太郎", "Phonetic": "やまだ^たろう"])
        }

        @Test("small binaries inline as base64 in little-endian order; empty values are null or absent")
        func inlineBinaryAndEmptyValues() throws {
            var little = DataSet()
            little.set(DataElement(tag: Tag(0x0009, 0x1001), vr: .OB, value: .bytes([1, 2, 3])))
            little.set(DataElement(tag: .studyDescription, vr: .LO, value: .bytes([])))
            little.set(DataElement(tag: .imageType, vr: .CS, value: .bytes(Array("ORIGINAL\\\\AXIAL".utf8))))
            let json = try object(little)
            #expect(attribute(json, "00091001")["InlineBinary"] as? String == "AQID")
            #expect(attribute(json, "00081030")["Value"] == nil)
            let imageType = attribute(json, "00080008")["Value"] as? [Any]
            #expect(imageType?.count == 3)
            #expect(imageType?[1] is NSNull)

            var big = DataSet(bigEndian: true)
            big.set(DataElement(tag: Tag(0x0009, 0x1002), vr: .OW, value: .bytes([0x01, 0x02])))
            #expect(attribute(try object(big), "00091002")["InlineBinary"] as? String == Data([0x02, 0x01]).base64EncodedString())
        }
    }
}
