import Foundation
import QRCode
import Testing

/// A realistic dynamic card payload: the `HM1:` prefix and upper-case base32.
let cardPayload = "HM1:AEAQQSDVNFWWS3RNMRSXMBDLGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEBAGBA"

@Suite struct QRMatrixTests {
    @Test func encodesTheCardPayloadIntoAValidQRSize() throws {
        let matrix = try QRMatrix(text: cardPayload)
        // QR versions are 21, 25, … 177 modules per side.
        #expect(matrix.size >= 21 && matrix.size <= 177 && (matrix.size - 21) % 4 == 0)
        // The top-left finder pattern: a dark 7×7 ring around a light ring around a dark 3×3 core.
        #expect(matrix.isDark(x: 0, y: 0) && matrix.isDark(x: 6, y: 6) && matrix.isDark(x: 3, y: 3))
        #expect(!matrix.isDark(x: 1, y: 1) && !matrix.isDark(x: 7, y: 7))
        #expect(!matrix.isDark(x: -1, y: 0) && !matrix.isDark(x: matrix.size, y: 0))
    }

    @Test func sameTextGivesTheSameCode() throws {
        #expect(try QRMatrix(text: cardPayload) == QRMatrix(text: cardPayload))
        #expect(try QRMatrix(text: cardPayload) != QRMatrix(text: cardPayload + "A"))
    }

    @Test func refusesTextThatCannotBeEncoded() {
        #expect(throws: QREncodingError.self) { try QRMatrix(text: "") }
        let error = #expect(throws: QREncodingError.self) { try QRMatrix(text: String(repeating: "字", count: 3000)) }
        #expect(error?.code == "qr_encode_failed")
        #expect(error?.description.contains("字") == false)
    }
}
