import Imaging
import Testing

extension ImagingTestSuite {
    @Suite("Frames and codecs")
    struct FrameTests {
        private let image = ImageFixture(rows: 1, columns: 2, frames: 3)

        @Test("encapsulated frames: by Basic Offset Table, one fragment per frame, or all fragments for one frame")
        func encapsulatedFrames() throws {
            let fragments: [[UInt8]] = [[1, 2], [3, 4], [5, 6], [7, 8]]
            // Offsets count from the first item tag; each item has an 8-byte header.
            let table = try FrameAccess(description: ImageDescription(image.dataSet(.bytes([]))),
                                        pixelData: .encapsulated(offsetTable: [0, 10, 30], fragments: fragments))
            #expect(try table.frame(0) == [1, 2])
            #expect(try table.frame(1) == [3, 4, 5, 6])
            #expect(try table.frame(2) == [7, 8])
            let perFragment = try FrameAccess(description: ImageDescription(image.dataSet(.bytes([]))),
                                              pixelData: .encapsulated(offsetTable: [], fragments: Array(fragments.prefix(3))))
            #expect(try perFragment.frame(1) == [3, 4])
            let single = try FrameAccess(description: ImageDescription(ImageFixture(rows: 1, columns: 2).dataSet(.bytes([]))),
                                         pixelData: .encapsulated(offsetTable: [], fragments: fragments))
            #expect(try single.frame(0) == [1, 2, 3, 4, 5, 6, 7, 8])
            #expect(throws: RenderError.self) { try table.frame(3) }
        }

        @Test("1-bit frames that start mid-byte are re-packed from bit 0")
        func oneBitFrames() throws {
            let seg = ImageFixture(rows: 1, columns: 3, bitsAllocated: 1, frames: 3)
            // Frames of 3 bits: 101, 110, 011 (least significant bit first).
            let bits: UInt16 = 0b110_011_101
            let access = try FrameAccess(description: ImageDescription(seg.dataSet(.bytes([]))),
                                         pixelData: .native([UInt8(bits & 0xFF), UInt8(bits >> 8)]))
            #expect(try access.frame(1) == [0b011])
            #expect(try access.frame(2) == [0b110])
            let grey = try Renderer.raster(seg.dataSet(.bytes([UInt8(bits & 0xFF), UInt8(bits >> 8)])),
                                           transferSyntaxUID: ImageFixture.explicitLittle, frame: 2, window: Window(center: 0.5, width: 1))
            #expect(grey.pixels == [0, 255, 255])
        }

        @Test("too little native data is an error that names the sizes")
        func shortData() {
            let fixture = ImageFixture(rows: 4, columns: 4, bitsAllocated: 16)
            #expect(throws: RenderError.invalid("1 frame(s) of 4x4x1 at 16 bits need 32 bytes, data has 8")) {
                try Renderer.raster(fixture.dataSet(.bytes([UInt8](repeating: 0, count: 8))), transferSyntaxUID: ImageFixture.explicitLittle)
            }
        }

        @Test("an unknown transfer syntax is a reason, not a crash")
        func unsupportedSyntax() {
            let dataSet = ImageFixture().dataSet(.encapsulated(offsetTable: [], fragments: [[0]]))
            let thumbnail = Renderer.thumbnail(dataSet, transferSyntaxUID: "1.2.840.10008.1.2.4.100")
            #expect(thumbnail.failure == .unsupported("transfer syntax 1.2.840.10008.1.2.4.100 has no pixel decoder"))
            #expect(thumbnail.image.width == 256 && thumbnail.image.jpeg.starts(with: [0xFF, 0xD8]))
        }

        @Test("RLE Lossless: a 16-bit image encoded here decodes to the native values")
        func rleRoundTrip() throws {
            let values = [0, 1, 1, 1, 1, 4095, 300, 300, 300, 2]
            let fixture = ImageFixture(rows: 2, columns: 5, bitsAllocated: 16, bitsStored: 12)
            let native = try Renderer.raster(fixture.dataSet(.bytes(ImageFixture.words(values))),
                                             transferSyntaxUID: ImageFixture.explicitLittle, window: Window(center: 2048, width: 4096))
            let high = PackBits.encode(values.map { UInt8($0 >> 8) }), low = PackBits.encode(values.map { UInt8($0 & 0xFF) })
            var header = [UInt8](repeating: 0, count: 64)
            for (slot, value) in [2, 64, 64 + high.count].enumerated() {
                for byte in 0..<4 { header[slot * 4 + byte] = UInt8(truncatingIfNeeded: value >> (8 * byte)) }
            }
            let frame = header + high + low
            let rle = try Renderer.raster(fixture.dataSet(.encapsulated(offsetTable: [], fragments: [frame])),
                                          transferSyntaxUID: "1.2.840.10008.1.2.5", window: Window(center: 2048, width: 4096))
            #expect(rle == native)
        }

        @Test("a rendered JPEG decodes back (JPEG Baseline) to its size and grey levels")
        func jpegRoundTrip() throws {
            let fixture = ImageFixture(rows: 64, columns: 96)
            let pixels = (0..<64 * 96).map { UInt8($0 % 96 < 48 ? 40 : 200) }
            let dataSet = fixture.dataSet(.bytes(pixels))
            let rendered = try Renderer.render(dataSet, transferSyntaxUID: ImageFixture.explicitLittle, size: 48,
                                               window: Window(center: 128, width: 256))
            #expect((rendered.width, rendered.height) == (48, 32))
            let decoded = try Renderer.raster(fixture.dataSet(.encapsulated(offsetTable: [], fragments: [rendered.jpeg])).replacing(rows: 32, columns: 48),
                                              transferSyntaxUID: "1.2.840.10008.1.2.4.50", window: Window(center: 128, width: 256))
            #expect(decoded.channels == 1 && decoded.width == 48 && decoded.height == 32)
            #expect(abs(Int(decoded.pixels[32 * 48 / 2 + 5]) - 40) <= 2)
            #expect(abs(Int(decoded.pixels[32 * 48 / 2 + 40]) - 200) <= 2)
        }

        @Test("thumbnails fit the box keeping the aspect ratio and never enlarge unless asked")
        func fitting() {
            let raster = Raster(width: 1000, height: 500, channels: 1, pixels: [])
            #expect(raster.fittedSize(box: 256, upscale: false) == (256, 128))
            #expect(Raster(width: 100, height: 50, channels: 1, pixels: []).fittedSize(box: 256, upscale: false) == (100, 50))
            #expect(Raster(width: 100, height: 50, channels: 1, pixels: []).fittedSize(box: 256, upscale: true) == (256, 128))
            let shrunk = Raster(width: 4, height: 2, channels: 1, pixels: [0, 10, 20, 30, 40, 50, 60, 70]).resized(width: 2, height: 1)
            #expect(shrunk.pixels == [25, 45])
        }
    }
}

extension DataSet {
    func replacing(rows: Int, columns: Int) -> DataSet {
        var copy = self
        copy.set(ImageFixture.us(.rows, rows, false))
        copy.set(ImageFixture.us(.columns, columns, false))
        return copy
    }
}

/// A PackBits encoder for test data: repeat runs of 3 or more, literals otherwise.
enum PackBits {
    static func encode(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            var run = 1
            while index + run < bytes.count && bytes[index + run] == bytes[index] && run < 128 { run += 1 }
            if run >= 3 {
                output += [UInt8(bitPattern: Int8(1 - run)), bytes[index]]
                index += run
                continue
            }
            var end = index
            while end < bytes.count && end - index < 128
                && !(end + 2 < bytes.count && bytes[end] == bytes[end + 1] && bytes[end] == bytes[end + 2]) { end += 1 }
            output.append(UInt8(end - index - 1))
            output += bytes[index..<end]
            index = end
        }
        return output
    }
}
