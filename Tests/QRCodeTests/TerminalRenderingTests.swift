import QRCode
import Testing

@Suite struct TerminalRenderingTests {
    @Test func drawsTwoModuleRowsPerLineWithAQuietZone() throws {
        let matrix = try QRMatrix(text: cardPayload)
        let lines = matrix.terminal().split(separator: "\n", omittingEmptySubsequences: false)
        let rows = matrix.size + 8
        #expect(lines.count == (rows + 1) / 2)
        #expect(lines.allSatisfy { $0.count == rows })
        // The quiet zone is light, and light modules are drawn as blocks.
        #expect(lines[0] == Substring(String(repeating: "█", count: rows)))
    }

    @Test func blocksReproduceTheModulesWithLightDrawn() throws {
        let matrix = try QRMatrix(text: cardPayload)
        let lines = matrix.terminal().split(separator: "\n").map(Array.init)
        for y in -4..<matrix.size + 4 {
            for x in -4..<matrix.size + 4 {
                let cell = lines[(y + 4) / 2][x + 4]
                let isTop = (y + 4) % 2 == 0
                let drawn = cell == "█" || (isTop ? cell == "▀" : cell == "▄")
                #expect(drawn == !matrix.isDark(x: x, y: y), "module \(x),\(y)")
            }
        }
    }

    @Test func ansiColorsWrapEachLineWithoutAddingLines() throws {
        let matrix = try QRMatrix(text: cardPayload)
        let lines = matrix.terminal(ansiColors: true).split(separator: "\n")
        #expect(lines.count == (matrix.size + 9) / 2)
        #expect(lines.allSatisfy { $0.hasPrefix("\u{1B}[97;40m") && $0.hasSuffix("\u{1B}[0m") })
    }
}
