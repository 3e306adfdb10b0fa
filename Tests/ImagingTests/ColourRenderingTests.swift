import Imaging
import Testing

extension ImagingTestSuite {
    @Suite("Colour rendering")
    struct ColourRenderingTests {
        private func raster(_ fixture: ImageFixture, _ pixels: [UInt8]) throws -> [UInt8] {
            try Renderer.raster(fixture.dataSet(.bytes(pixels)), transferSyntaxUID: ImageFixture.explicitLittle).pixels
        }

        @Test("planar RGB (RR..GG..BB..) renders the same as interleaved")
        func planarRGB() throws {
            var fixture = ImageFixture(rows: 1, columns: 2, samplesPerPixel: 3, photometric: "RGB")
            #expect(try raster(fixture, [10, 20, 30, 40, 50, 60]) == [10, 20, 30, 40, 50, 60])
            fixture.planar = true
            #expect(try raster(fixture, [10, 40, 20, 50, 30, 60]) == [10, 20, 30, 40, 50, 60])
        }

        @Test("YBR_FULL converts with the full-range BT.601 matrix")
        func ybrFull() throws {
            let fixture = ImageFixture(rows: 1, columns: 2, samplesPerPixel: 3, photometric: "YBR_FULL")
            #expect(try raster(fixture, [128, 128, 128, 76, 85, 255]) == [128, 128, 128, 254, 0, 0])
        }

        @Test("native YBR_FULL_422 stores Y1 Y2 Cb Cr for each pair of pixels")
        func ybrFull422() throws {
            let fixture = ImageFixture(rows: 1, columns: 2, samplesPerPixel: 3, photometric: "YBR_FULL_422")
            #expect(try raster(fixture, [128, 76, 85, 255]) == [255, 52, 52, 254, 0, 0])
        }

        @Test("PALETTE COLOR maps indexes through three LUTs; 16-bit entries keep their top byte")
        func palette() throws {
            var fixture = ImageFixture(rows: 1, columns: 4, photometric: "PALETTE COLOR")
            fixture.extra = [
                ImageFixture.us(.redPaletteDescriptor, 3, 1, 16), ImageFixture.us(.greenPaletteDescriptor, 3, 1, 16),
                ImageFixture.us(.bluePaletteDescriptor, 3, 1, 8),
                DataElement(tag: .redPaletteData, vr: .OW, value: .bytes(ImageFixture.words([0x0000, 0x8000, 0xFFFF]))),
                DataElement(tag: .greenPaletteData, vr: .OW, value: .bytes(ImageFixture.words([0xFFFF, 0x0100, 0x0000]))),
                DataElement(tag: .bluePaletteData, vr: .OW, value: .bytes(ImageFixture.words([7, 8, 9]))),
            ]
            // Index 0 is below the first mapped value (1), index 9 past the last entry.
            #expect(try raster(fixture, [0, 1, 2, 9]) == [0, 255, 7, 0, 255, 7, 128, 1, 8, 255, 0, 9])
        }
    }
}
