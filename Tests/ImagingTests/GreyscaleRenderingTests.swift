import Imaging
import Testing

extension ImagingTestSuite {
    @Suite("Greyscale rendering")
    struct GreyscaleRenderingTests {
        private func raster(_ fixture: ImageFixture, _ pixels: [UInt8], window: Window? = nil) throws -> [UInt8] {
            try Renderer.raster(fixture.dataSet(.bytes(pixels)), transferSyntaxUID: ImageFixture.explicitLittle, window: window).pixels
        }

        @Test("MONOCHROME1 is inverted after the window: low values are white")
        func monochrome1() throws {
            var fixture = ImageFixture(rows: 1, columns: 3)
            let window = Window(center: 128, width: 256)
            #expect(try raster(fixture, [0, 128, 255], window: window) == [0, 128, 255])
            fixture.photometric = "MONOCHROME1"
            #expect(try raster(fixture, [0, 128, 255], window: window) == [255, 127, 0])
        }

        @Test("signed 12-bit in 16-bit cells: high bits masked, sign extended from bit 11")
        func signed12Bit() throws {
            let fixture = ImageFixture(rows: 1, columns: 4, bitsAllocated: 16, bitsStored: 12, signed: true)
            // -2048, -1 (with an overlay bit in bit 15), 0, 2047.
            let stored = ImageFixture.words([0x0800, 0x8FFF, 0x0000, 0x07FF])
            let levels = try raster(fixture, stored, window: Window(center: 0.5, width: 4096))
            #expect(levels == [0, 127, 128, 255])
            let narrow = try raster(fixture, stored, window: Window(center: 0, width: 2))
            #expect(narrow == [0, 0, 255, 255])
        }

        @Test("rescale slope and intercept give Hounsfield units before the window")
        func rescale() throws {
            var fixture = ImageFixture(rows: 1, columns: 3, bitsAllocated: 16)
            fixture.extra = [ImageFixture.text(.rescaleIntercept, .DS, "-1024"), ImageFixture.text(.rescaleSlope, .DS, "1"),
                             ImageFixture.text(.windowCenter, .DS, "40\\-600"), ImageFixture.text(.windowWidth, .DS, "400\\1500")]
            // 864, 1064, 1263 stored are -160, 40, 239 HU: black, just past the middle of the file's first window, white.
            #expect(try raster(fixture, ImageFixture.words([864, 1064, 1263])) == [0, 128, 255])
            // The caller's window wins over the file's.
            #expect(try raster(fixture, ImageFixture.words([864, 1064, 1263]), window: Window(.lung)) == [202, 236, 255])
        }

        @Test("a Modality LUT Sequence replaces rescale")
        func modalityLUT() throws {
            var item = DataSet()
            item.set(ImageFixture.us(.lutDescriptor, 3, 10, 16))
            item.set(DataElement(tag: .lutData, vr: .OW, value: .bytes(ImageFixture.words([0, 500, 1000]))))
            var fixture = ImageFixture(rows: 1, columns: 5)
            fixture.extra = [DataElement(tag: .modalityLUTSequence, vr: .SQ, value: .sequence([item])),
                             ImageFixture.text(.rescaleSlope, .DS, "100")]
            // Below the first mapped value takes the first entry, above the last the last.
            let levels = try raster(fixture, [0, 10, 11, 12, 200], window: Window(center: 500.5, width: 1001))
            #expect(levels == [0, 0, 128, 255, 255])
        }

        @Test("without a window, the 1st to 99th percentile of the values spans black to white")
        func percentileWindow() throws {
            // 200 values 0…199 plus two outliers: the window ignores them.
            let fixture = ImageFixture(rows: 1, columns: 202, bitsAllocated: 16)
            let values = Array(0..<200) + [-30_000 & 0xFFFF, 60_000]
            let levels = try raster(fixture, ImageFixture.words(values))
            #expect(levels[2] == 0)
            #expect(levels[100] == 127)
            #expect(levels[199] == 255)
            #expect(levels[200] == 255 && levels[201] == 255)
        }
    }
}
