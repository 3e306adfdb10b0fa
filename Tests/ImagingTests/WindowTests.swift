import Imaging
import Testing

extension ImagingTestSuite {
    @Suite("VOI windows")
    struct WindowTests {
        @Test("LINEAR: black at or below c - 0.5 - (w-1)/2, white above c - 0.5 + (w-1)/2, linear between (C.11.2.1.2.1)")
        func linearBoundaries() {
            let window = Window(center: 40, width: 400)
            #expect(window.level(-160) == 0)
            #expect(window.level(-159.5) == 0)  // 0.5/399 of the range: rounds to black
            #expect(window.level(-159) == 1)
            #expect(window.level(39.5) == 128)
            #expect(window.level(239) == 255)
            #expect(window.level(238) == 254)
            #expect(window.level(10_000) == 255)
        }

        @Test("LINEAR with width 1 is a threshold at c - 0.5")
        func unitWidth() {
            let window = Window(center: 100, width: 1)
            #expect(window.level(99.5) == 0)
            #expect(window.level(99.6) == 255)
        }

        @Test("LINEAR_EXACT spans c ± w/2 and SIGMOID is mid grey at the center")
        func exactAndSigmoid() {
            let exact = Window(center: 0, width: 100, function: .linearExact)
            #expect(exact.level(-50) == 0)
            #expect(exact.level(-49) == 3)
            #expect(exact.level(0) == 128)
            #expect(exact.level(50) == 255)
            let sigmoid = Window(center: 0, width: 100, function: .sigmoid)
            #expect(sigmoid.level(0) == 128)
            #expect(sigmoid.level(-1000) == 0)
            #expect(sigmoid.level(1000) == 255)
            #expect(sigmoid.level(25) == 186)  // 255 / (1 + e^(-4·25/100))
        }

        @Test("CT presets carry the usual Hounsfield windows")
        func presets() {
            #expect(Window(.lung) == Window(center: -600, width: 1500, explanation: "LUNG"))
            #expect(CTWindowPreset.allCases.map(\.width) == [1500, 350, 1800, 80, 400])
            #expect(CTWindowPreset.brain.center == 40)
        }
    }
}
