import Imaging
import TestSupport
import Testing

extension ImagingTestSuite {
    /// Malformed input must end in a DICOMError or a data set, never a trap, a hang or a huge
    /// allocation. `DICOMFile.read` throws only DICOMError by type, so these tests only need to
    /// survive: a crash fails the run.
    @Suite("Malformed input")
    struct FuzzTests {
        private static let samples = [
            "pydicom/data/test_files/MR_small.dcm", "pydicom/data/test_files/MR_small_implicit.dcm",
            "pydicom/data/test_files/MR_small_bigendian.dcm", "pydicom/data/test_files/image_dfl.dcm",
            "pydicom/data/test_files/JPEG2000.dcm", "pydicom/data/test_files/nested_priv_SQ.dcm",
            "pydicom/data/test_files/ExplVR_BigEndNoMeta.dcm", "pydicom/data/charset_files/chrSQEncoding.dcm",
            "pydicom/data/test_files/UN_sequence.dcm", "pydicom/data/test_files/dicomdirtests/DICOMDIR",
        ]

        /// SplitMix64: the same mutations on every run, so a failure reproduces.
        private struct Random {
            var state: UInt64
            mutating func next() -> UInt64 {
                state &+= 0x9E37_79B9_7F4A_7C15
                var z = state
                z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                return z ^ (z >> 31)
            }
            mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(bound, 1))) }
        }

        @discardableResult
        private static func survive(_ bytes: [UInt8], headerOnly: Bool = false) -> Bool {
            (try? DICOMFile.read(bytes, stopBeforePixelData: headerOnly)) != nil
        }

        @Test("every cut of the first kilobytes of each sample")
        func truncations() throws {
            for path in Self.samples {
                let bytes = try DICOMSamples.bytes(path)
                for cut in 0..<min(bytes.count, 1600) {
                    Self.survive(Array(bytes[..<cut]), headerOnly: cut % 2 == 0)
                }
            }
        }

        @Test("seeded byte flips and huge length fields")
        func mutations() throws {
            var random = Random(state: 0x4855_494D_494E)  // "HUIMIN"
            var iterations = 0
            for path in Self.samples {
                let original = try DICOMSamples.bytes(path)
                for round in 0..<1000 {
                    var bytes = original
                    // Most structure lives in the header: aim there more often than at pixels.
                    let span = round % 3 == 0 ? bytes.count : min(bytes.count, 2048)
                    switch round % 4 {
                    case 0, 1:
                        for _ in 0...random.below(8) { bytes[random.below(span)] = UInt8(truncatingIfNeeded: random.next()) }
                    case 2:
                        // A length field (or anything) set to undefined or to almost 4 GB.
                        let at = random.below(span - 4)
                        let huge: [UInt8] = random.below(2) == 0 ? [0xFF, 0xFF, 0xFF, 0xFF] : [0xF0, 0xFF, 0xFF, 0x7F]
                        bytes.replaceSubrange(at..<at + 4, with: huge)
                    default:
                        // A 2-byte length (explicit VR short form) set to its maximum.
                        let at = random.below(span - 2)
                        bytes.replaceSubrange(at..<at + 2, with: [0xFF, 0xFF])
                    }
                    Self.survive(bytes, headerOnly: round % 5 == 0)
                    iterations += 1
                }
            }
            #expect(iterations == Self.samples.count * 1000)
        }

        @Test("the machine codes of the errors")
        func errorCodes() throws {
            let ct = try DICOMSamples.testFile("CT_small.dcm")
            #expect(throws: DICOMError.truncated(offset: 20_000)) { try DICOMFile.read(Array(ct[..<20_000])) }
            #expect(throws: DICOMError.notDICOM) { try DICOMFile.read(Array("not a DICOM file at all".utf8)) }
            #expect(throws: DICOMError.notDICOM) { try DICOMFile.read([]) }

            var written = try DICOMFile.write(DataSet(), sopClassUID: "1.2", sopInstanceUID: "1.3")
            let uid = Array(TransferSyntax.explicitVRLittleEndian.uid.utf8)
            let at = try #require((0..<written.count - uid.count).first { written[$0..<$0 + uid.count].elementsEqual(uid) })
            written.replaceSubrange(at..<at + uid.count, with: Array("1.2.840.99999.1.2.1".utf8))
            #expect(throws: DICOMError.unsupportedTransferSyntax("1.2.840.99999.1.2.1")) { try DICOMFile.read(written) }

            // (0040,A160) UT with undefined length: only sequences and pixel data may have one.
            let undefinedText: [UInt8] = [0x40, 0x00, 0x60, 0xA1] + Array("UT".utf8) + [0, 0, 0xFF, 0xFF, 0xFF, 0xFF]
            #expect(throws: DICOMError.badLength(tag: Tag(0x0040, 0xA160), offset: 18)) {
                try DICOMFile.read(explicitLittleEndian(undefinedText))
            }
        }

        @Test("sequences nested beyond any real object are refused, not recursed into")
        func deepNesting() {
            // (0040,A730) Content Sequence, undefined length, each item opening the next level.
            let level: [UInt8] = [0x40, 0x00, 0x30, 0xA7] + Array("SQ".utf8) + [0, 0, 0xFF, 0xFF, 0xFF, 0xFF]
                + [0xFE, 0xFF, 0x00, 0xE0, 0xFF, 0xFF, 0xFF, 0xFF]
            let bytes = explicitLittleEndian(Array([[UInt8]](repeating: level, count: 10_000).joined()))
            #expect(throws: DICOMError.self) { try DICOMFile.read(bytes) }
            do {
                _ = try DICOMFile.read(bytes)
            } catch {
                #expect(error.code == "dicom_nesting_too_deep")
            }
        }

        /// A raw Explicit VR LE data set: a Specific Character Set element first, so the bytes are
        /// recognisably DICOM, then `elements`.
        private func explicitLittleEndian(_ elements: [UInt8]) -> [UInt8] {
            [0x08, 0x00, 0x05, 0x00] + Array("CS".utf8) + [0x0A, 0x00] + Array("ISO_IR 100".utf8) + elements
        }
    }
}
