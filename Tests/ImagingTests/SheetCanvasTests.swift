@testable import Imaging
import Testing

extension ImagingTestSuite {
    @Suite("Sheet canvas")
    struct SheetCanvasTests {
        /// The plain way: a square brush stamped at every step of the line, on a whole page.
        static func stamped(_ points: [(x: Double, y: Double)], thickness: Int, on paper: Raster) -> Raster {
            var page = paper
            func stamp(_ x: Int, _ y: Int) {
                let offset = (thickness - 1) / 2
                let left = max(0, x - offset), right = min(page.width - 1, x - offset + thickness - 1)
                let top = max(0, y - offset), bottom = min(page.height - 1, y - offset + thickness - 1)
                guard left <= right, top <= bottom else { return }
                for py in top...bottom {
                    for px in left...right {
                        for channel in 0..<3 { page.pixels[(py * page.width + px) * 3 + channel] = 0 }
                    }
                }
            }
            var previous = (Int(points[0].x.rounded()), Int(points[0].y.rounded()))
            stamp(previous.0, previous.1)
            for point in points.dropFirst() {
                let next = (Int(point.x.rounded()), Int(point.y.rounded()))
                SheetCanvas.steps(from: previous, to: next, stamp)
                previous = next
            }
            return page
        }

        @Test("A polyline painted in vertical runs covers exactly the pixels of a brush stamped at every step",
              arguments: [1, 2, 3, 5])
        func runsMatchStamps(thickness: Int) {
            let paper = Raster(width: 83, height: 61, channels: 3, pixels: [UInt8](repeating: 255, count: 83 * 61 * 3))
            var generator = SystemRandomNumberGenerator()
            // Dense samples (several to a pixel column, as traces are), sparse steep and shallow
            // segments, halves that round away from zero, and points off the page.
            var shapes: [[(x: Double, y: Double)]] = [
                (0..<400).map { (x: Double($0) * 0.2 - 2, y: 30 + 25 * Double.random(in: -1...1, using: &generator)) },
                [(-5, -5), (90, 70), (40, 2.5), (40.5, 58.5), (-0.5, 30), (82.5, 30)],
                [(10, 10), (10, 50), (11, 12), (70, 13)],
            ]
            shapes.append((0..<60).map { _ in (x: Double.random(in: -10...95, using: &generator), y: Double.random(in: -10...70, using: &generator)) })
            for points in shapes {
                var canvas = SheetCanvas(paper: paper)
                canvas.polyline(points, thickness: thickness)
                #expect(canvas.raster == Self.stamped(points, thickness: thickness, on: paper))
            }
        }
    }
}
