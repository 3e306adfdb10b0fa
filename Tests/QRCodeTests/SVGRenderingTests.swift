import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import QRCode
import Testing

@Suite struct SVGRenderingTests {
    @Test func svgIsXMLWithAViewBoxIncludingTheQuietZone() throws {
        let matrix = try QRMatrix(text: cardPayload)
        let elements = try SVGElements(matrix.svg(moduleSize: 6, margin: 4))
        let root = try #require(elements.all.first)
        #expect(root.name == "svg")
        let side = (matrix.size + 8) * 6
        #expect(root.attributes["viewBox"] == "0 0 \(side) \(side)")
        #expect(root.attributes["shape-rendering"] == "crispEdges")
        #expect(elements.all.filter { $0.name == "path" }.count == 1)
    }

    @Test func pathCoversExactlyTheDarkModules() throws {
        let matrix = try QRMatrix(text: cardPayload)
        let elements = try SVGElements(matrix.svg(moduleSize: 2, margin: 4))
        let path = try #require(elements.all.first { $0.name == "path" }?.attributes["d"])
        var painted = Set<[Int]>()
        // Each run is "M{x},{y}h{w}v{unit}h-{w}z" in pixels, offset by the quiet zone.
        for run in path.split(separator: "z") {
            let numbers = run.split(whereSeparator: { "Mhv,".contains($0) }).compactMap { Int($0) }
            let (x, y, width) = (numbers[0] / 2 - 4, numbers[1] / 2 - 4, numbers[2] / 2)
            for column in x..<x + width { painted.insert([column, y]) }
        }
        var dark = Set<[Int]>()
        for y in 0..<matrix.size { for x in 0..<matrix.size where matrix.isDark(x: x, y: y) { dark.insert([x, y]) } }
        #expect(painted == dark)
    }
}

/// The elements of an XML document in document order; parsing fails on malformed XML.
final class SVGElements: NSObject, XMLParserDelegate {
    struct Element { let name: String; let attributes: [String: String] }
    private(set) var all: [Element] = []

    init(_ xml: String) throws {
        super.init()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = self
        guard parser.parse() else { throw parser.parserError ?? CocoaError(.fileReadCorruptFile) }
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        all.append(Element(name: name, attributes: attributes))
    }
}
