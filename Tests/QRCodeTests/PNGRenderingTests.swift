import TestSupport
import Foundation
import QRCode
import Testing

@Suite struct PNGRenderingTests {
    @Test func aScannerReadsThePayloadBackFromThePNG() async throws {
        let png = try QRMatrix(text: cardPayload).png(scale: 4, margin: 4)
        #expect(try await PythonDecoder.decode(png: png) == cardPayload)
    }

    @Test func aScannerReadsChineseTextAndLowerCase() async throws {
        let text = "惠民 e-health card: mem_abc123"
        let png = try QRMatrix(text: text).png(scale: 3, margin: 4)
        #expect(try await PythonDecoder.decode(png: png) == text)
    }

    @Test func headerDescribesAGrayscaleImageOfTheRightSize() throws {
        let matrix = try QRMatrix(text: cardPayload)
        let png = try matrix.png(scale: 5, margin: 4)
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(String(decoding: png[12..<16], as: UTF8.self) == "IHDR")
        let side = (matrix.size + 8) * 5
        #expect(Self.u32(png, at: 16) == side && Self.u32(png, at: 20) == side)
        #expect(png[24] == 8 && png[25] == 0) // bit depth 8, colour type grayscale
        #expect(String(decoding: png.suffix(8).prefix(4), as: UTF8.self) == "IEND")
    }

    private static func u32(_ bytes: [UInt8], at offset: Int) -> Int {
        bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
    }
}
