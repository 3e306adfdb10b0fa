import Imaging
import TestSupport
import Testing

extension ImagingTestSuite {
    @Suite("Writing Part 10 files")
    struct Part10WriterTests {
        @Test("read(write(x)) keeps every element, sequence and pixel value", arguments: [
            "pydicom/data/test_files/CT_small.dcm", "pydicom/data/test_files/MR_small_bigendian.dcm",
            "pydicom/data/test_files/MR_small_implicit.dcm", "pydicom/data/test_files/image_dfl.dcm",
            "pydicom/data/test_files/examples_ybr_color.dcm", "pydicom/data/test_files/rtplan.dcm",
            "pydicom/data/test_files/UN_sequence.dcm",
            "pydicom/data/test_files/waveform_ecg.dcm", "pydicom/data/charset_files/chrSQEncoding.dcm",
            "pydicom/data/charset_files/chrX2.dcm", "data_store/data/emri_small_RLE.dcm",
        ])
        func roundTrip(path: String) throws {
            let original = try DICOMFile.read(DICOMSamples.bytes(path))
            let syntax = original.transferSyntax.isEncapsulated ? original.transferSyntax : .explicitVRLittleEndian
            let sopClass = original.dataSet.string(.sopClassUID) ?? "1.2.840.10008.5.1.4.1.1.7"
            let sopInstance = original.dataSet.string(.sopInstanceUID) ?? "2.25.1"
            let written = try DICOMFile.write(original.dataSet, sopClassUID: sopClass, sopInstanceUID: sopInstance, transferSyntax: syntax)
            let reread = try DICOMFile.read(written)
            #expect(reread.transferSyntax == syntax)
            var expected = original.dataSet
            expected.set(DataElement(tag: .sopClassUID, vr: .UI, value: .bytes(Array(sopClass.utf8))))
            expected.set(DataElement(tag: .sopInstanceUID, vr: .UI, value: .bytes(Array(sopInstance.utf8))))
            // JSON compares decoded values, so byte order and group lengths do not count.
            #expect(reread.dataSet.dicomJSON(inlineBinaryLimit: .max) == expected.dicomJSON(inlineBinaryLimit: .max))
            #expect(reread.dataSet.pixelData == original.dataSet.pixelData || original.transferSyntax.isBigEndian)
            #expect(reread.dataSet.sequence(Tag(0x0032, 0x1064)).map(\.characterSet)
                    == original.dataSet.sequence(Tag(0x0032, 0x1064)).map(\.characterSet))
        }

        @Test("a re-UIDed file: new UIDs in meta and data set, a correct meta group")
        func reUID() throws {
            let original = try DICOMFile.read(DICOMSamples.testFile("CT_small.dcm"))
            let written = try DICOMFile.write(original.dataSet, sopClassUID: "1.2.840.10008.5.1.4.1.1.2", sopInstanceUID: "2.25.42")
            #expect(written[128..<132].elementsEqual("DICM".utf8))
            let file = try DICOMFile.read(written)
            #expect(file.meta.string(.mediaStorageSOPInstanceUID) == "2.25.42")
            #expect(file.meta.string(.mediaStorageSOPClassUID) == "1.2.840.10008.5.1.4.1.1.2")
            #expect(file.meta.string(.transferSyntaxUID) == TransferSyntax.explicitVRLittleEndian.uid)
            #expect(file.meta.string(Tag(0x0002, 0x0012)) == DICOMFile.implementationClassUID)
            #expect(file.meta.bytes(Tag(0x0002, 0x0001)) == [0x00, 0x01])
            #expect(file.dataSet.string(.sopInstanceUID) == "2.25.42")
            // The group length counts the meta elements after it, up to the data set's first element.
            let groupLength = try #require(file.meta.int(Tag(0x0002, 0x0000)))
            #expect(written[144 + groupLength] == 0x08 && written[145 + groupLength] == 0x00)
            #expect(file.dataSet.string(.patientID) == "1CT1")
        }

        @Test("values are padded to even length; writing refuses what it cannot encode")
        func paddingAndRefusals() throws {
            var dataSet = DataSet()
            dataSet.set(DataElement(tag: .patientID, vr: .LO, value: .bytes(Array("ABC".utf8))))
            dataSet.set(DataElement(tag: .studyInstanceUID, vr: .UI, value: .bytes(Array("1.2.3".utf8))))
            let file = try DICOMFile.read(DICOMFile.write(dataSet, sopClassUID: "1.2", sopInstanceUID: "1.3"))
            #expect(file.dataSet.bytes(.patientID) == Array("ABC ".utf8))
            #expect(file.dataSet.bytes(.studyInstanceUID) == Array("1.2.3\0".utf8))

            dataSet.set(DataElement(tag: .studyDescription, vr: .LO, value: .bytes([UInt8](repeating: 0x41, count: 70_000))))
            #expect(throws: DICOMError.self) { try DICOMFile.write(dataSet, sopClassUID: "1.2", sopInstanceUID: "1.3") }
            #expect(throws: DICOMError.unsupportedTransferSyntax(TransferSyntax.explicitVRBigEndian.uid)) {
                try DICOMFile.write(DataSet(), sopClassUID: "1.2", sopInstanceUID: "1.3", transferSyntax: .explicitVRBigEndian)
            }
            var encapsulated = DataSet()
            encapsulated.set(DataElement(tag: .pixelData, vr: .OB, value: .encapsulated(offsetTable: [], fragments: [[1, 2]])))
            #expect(throws: DICOMError.self) { try DICOMFile.write(encapsulated, sopClassUID: "1.2", sopInstanceUID: "1.3") }
        }
    }
}
