import Imaging
import TestSupport
import Testing

extension ImagingTestSuite {
    @Suite("Reading DICOM files")
    struct DICOMReaderTests {
        private let mrInstanceUID = "1.3.6.1.4.1.5962.1.1.4.1.1.20040826185059.5457"

        @Test("Explicit VR Little Endian CT: identifiers, image pixel module, pixel data location")
        func explicitLittleEndian() throws {
            let bytes = try DICOMSamples.testFile("CT_small.dcm")
            let file = try DICOMFile.read(bytes)
            #expect(file.transferSyntax == .explicitVRLittleEndian)
            #expect(file.meta.string(.transferSyntaxUID) == TransferSyntax.explicitVRLittleEndian.uid)
            #expect(file.meta.string(.mediaStorageSOPInstanceUID) == "1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322")
            #expect(file.dataSet.personName(.patientName)?.alphabetic == "CompressedSamples^CT1")
            #expect(file.dataSet.string(.patientID) == "1CT1")
            #expect(file.dataSet.int(.rows) == 128)
            #expect(file.dataSet.int(.columns) == 128)
            #expect(file.dataSet.int(.bitsAllocated) == 16)
            #expect(file.dataSet.double(.rescaleIntercept) == -1024)
            guard case .native(let pixels)? = file.dataSet.pixelData, let range = file.pixelDataRange else {
                Issue.record("no native pixel data")
                return
            }
            #expect(pixels.count == 32768)
            #expect(Array(bytes[range]) == pixels)
        }

        @Test("the same MR image in Explicit LE, Implicit LE and Explicit BE reads the same values",
              arguments: ["MR_small.dcm", "MR_small_implicit.dcm", "MR_small_bigendian.dcm", "MR_small_expb.dcm"])
        func mrInEverySyntax(name: String) throws {
            let file = try DICOMFile.read(DICOMSamples.testFile(name))
            #expect(file.dataSet.string(.sopInstanceUID) == mrInstanceUID)
            #expect(file.dataSet.string(.patientID) == "4MR1")
            #expect(file.dataSet.int(.rows) == 64)
            #expect(file.dataSet.int(.columns) == 64)
            #expect(file.dataSet.double(.windowCenter) == 600)
            #expect(file.dataSet.double(.windowWidth) == 1600)
            let reference = try DICOMFile.read(DICOMSamples.testFile("MR_small.dcm"))
            guard case .native(let pixels)? = file.dataSet.pixelData, case .native(let expected)? = reference.dataSet.pixelData else {
                Issue.record("no native pixel data in \(name)")
                return
            }
            let swapped = file.transferSyntax.isBigEndian
                ? stride(from: 0, to: pixels.count, by: 2).flatMap { [pixels[$0 + 1], pixels[$0]] }
                : pixels
            #expect(swapped == expected)
        }

        @Test("the syntaxes are named in the meta")
        func syntaxes() throws {
            #expect(try DICOMFile.read(DICOMSamples.testFile("MR_small_implicit.dcm")).transferSyntax == .implicitVRLittleEndian)
            let bigEndian = try DICOMFile.read(DICOMSamples.testFile("MR_small_bigendian.dcm"))
            #expect(bigEndian.transferSyntax == .explicitVRBigEndian)
            #expect(bigEndian.dataSet.bigEndian)
            #expect(!bigEndian.meta.bigEndian)
        }

        @Test("a deflated data set inflates (raw DEFLATE) to a 512x512 image")
        func deflated() throws {
            let file = try DICOMFile.read(DICOMSamples.testFile("image_dfl.dcm"))
            #expect(file.transferSyntax == .deflatedExplicitVRLittleEndian)
            #expect(file.dataSet.int(.rows) == 512)
            #expect(file.dataSet.int(.columns) == 512)
            #expect(file.dataSet.string(.sopInstanceUID) == "1.3.6.1.4.1.5962.1.1.0.0.0.977067309.6001.0")
            guard case .native(let pixels)? = file.dataSet.pixelData else {
                Issue.record("no pixel data")
                return
            }
            #expect(pixels.count == 262_144)
            #expect(file.pixelDataRange == nil)
        }

        @Test("raw data sets without preamble or meta: little and big endian",
              arguments: ["ExplVR_LitEndNoMeta.dcm", "ExplVR_BigEndNoMeta.dcm"])
        func noMeta(name: String) throws {
            let file = try DICOMFile.read(DICOMSamples.testFile(name))
            #expect(file.meta.elements.isEmpty)
            #expect(file.transferSyntax.isBigEndian == name.contains("Big"))
            #expect(file.dataSet.string(.sopInstanceUID) == "1.2.333.4444.5.6.7.8")
        }

        @Test("encapsulated JPEG frames: offset table and fragments, and their place in the file")
        func encapsulated() throws {
            let bytes = try DICOMSamples.testFile("examples_ybr_color.dcm")
            let file = try DICOMFile.read(bytes)
            #expect(file.transferSyntax.isEncapsulated)
            #expect(file.dataSet.int(.numberOfFrames) == 30)
            guard case .encapsulated(let table, let fragments)? = file.dataSet.pixelData, let range = file.pixelDataRange else {
                Issue.record("no encapsulated pixel data")
                return
            }
            #expect(table.count == 30)
            #expect(fragments.count == 30)
            #expect(fragments.allSatisfy { $0.starts(with: [0xFF, 0xD8]) })  // JPEG SOI
            // Item headers, offset table, fragments, sequence delimiter.
            #expect(range.count == 8 + 120 + fragments.reduce(0) { $0 + 8 + $1.count } + 8)
            #expect(range.upperBound == bytes.count)
        }

        @Test("stopping before the pixel data keeps the header and the pixels' location")
        func stopBeforePixelData() throws {
            let bytes = try DICOMSamples.testFile("examples_ybr_color.dcm")
            let full = try DICOMFile.read(bytes)
            let header = try DICOMFile.read(bytes, stopBeforePixelData: true)
            #expect(header.dataSet.pixelData == nil)
            #expect(header.pixelDataRange == full.pixelDataRange)
            #expect(header.dataSet.elements.count == full.dataSet.elements.count - 1)
        }

        @Test("nested sequences of defined and undefined length")
        func sequences() throws {
            let plan = try DICOMFile.read(DICOMSamples.testFile("rtplan.dcm")).dataSet
            let beams = plan.sequence(Tag(0x300A, 0x00B0))
            #expect(beams.count == 1)
            #expect(beams.first?.string(Tag(0x300A, 0x00C2)) == "Field 1")
            let controlPoints = beams.first?.sequence(Tag(0x300A, 0x0111)) ?? []
            #expect(controlPoints.count == 2)
            // Nominal Beam Energy: outside the dictionary, so UN text in this Implicit VR file.
            #expect(controlPoints.first?.string(Tag(0x300A, 0x0114)).flatMap(Double.init) == 6)

            let nested = try DICOMFile.read(DICOMSamples.testFile("nested_priv_SQ.dcm")).dataSet
            let outer = nested.sequence(Tag(0x0001, 0x0001))
            #expect(outer.first?.string(Tag(0x0001, 0x0002)) == "Nested SQ")
            #expect(outer.first?.sequence(Tag(0x0001, 0x0001)).first?.string(Tag(0x0001, 0x0001)) == "Double Nested SQ")
        }

        @Test("sequences stored as UN (private, and standard ones inside) are read as sequences")
        func unSequence() throws {
            let file = try DICOMFile.read(DICOMSamples.testFile("UN_sequence.dcm"))
            let item = file.dataSet.sequence(Tag(0x4453, 0x100C)).first
            #expect(item?.string(.studyInstanceUID) == "1.2.840.113619.2.327.3.185221411.476.1398588725.795")
            let referencedSOP = item?.sequence(Tag(0x0008, 0x1115)).first?.sequence(Tag(0x0008, 0x1199)).first
            #expect(referencedSOP?.string(Tag(0x0008, 0x1155)) == "1.2.840.113619.2.327.3.185221411.476.1398588726.278.80")
        }

        @Test("Implicit VR \"US or SS\" attributes are signed when the pixels are")
        func signedness() throws {
            let implicit = try DICOMFile.read(DICOMSamples.testFile("MR_small_implicit.dcm")).dataSet
            #expect(implicit[Tag(0x0028, 0x0106)]?.vr == .SS)
            #expect(implicit.int(Tag(0x0028, 0x0107)) == 4000)

            // Modality CT, Pixel Representation 1, Pixel Padding Value -2000, all Implicit VR LE.
            let raw: [UInt8] = [0x08, 0x00, 0x60, 0x00, 2, 0, 0, 0] + Array("CT".utf8)
                + [0x28, 0x00, 0x03, 0x01, 2, 0, 0, 0, 0x01, 0x00]
                + [0x28, 0x00, 0x20, 0x01, 2, 0, 0, 0, 0x30, 0xF8]
            let file = try DICOMFile.read(raw)
            #expect(file.transferSyntax == .implicitVRLittleEndian)
            #expect(file.dataSet.int(Tag(0x0028, 0x0120)) == -2000)
        }
    }
}
