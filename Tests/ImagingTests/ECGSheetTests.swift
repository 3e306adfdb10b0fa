import Foundation
@testable import Imaging
import TestSupport
import Testing

extension ImagingTestSuite {
    @Suite("ECG sheet")
    struct ECGSheetTests {
        static let recording: ECGRecording = try! ECGFixtures.json("sinus-75")
        static let header = ECGSheetHeader(patient: "Zhang ** 330102********1234", recording: recording, heartRate: 75)

        @Test("JPEG of the page size at each resolution", arguments: ECGSheet.Resolution.allCases)
        func sizes(resolution: ECGSheet.Resolution) throws {
            let expected = [ECGSheet.Resolution.thumbnail: (400, 283), .screen: (1600, 1131), .print: (3508, 2480)][resolution]!
            #expect(resolution.size == expected)
            let jpeg = try ECGSheet.jpeg(Self.recording, header: Self.header, resolution: resolution)
            #expect(jpeg.starts(with: [0xFF, 0xD8]))
            let frame = try #require(Self.frameSize(jpeg))
            #expect(frame == expected)
        }

        @Test("A sheet spliced from the paper's cached MCUs is byte for byte the sheet encoded whole",
              arguments: ECGSheet.Resolution.allCases)
        func splicedMatchesWhole(resolution: ECGSheet.Resolution) throws {
            let spliced = try ECGSheet.jpeg(Self.recording, header: Self.header, resolution: resolution)
            let whole = try RestartJPEG(ECGSheet.raster(Self.recording, header: Self.header, resolution: resolution),
                                        quality: ECGSheet.jpegQuality)
            let expected = RestartJPEG.assemble(header: whole.header, mcus: whole.mcus)
            // Compared here, not inside #expect, whose message would list every byte.
            let same = spliced == expected
            #expect(same, "\(spliced.count) bytes spliced, \(expected.count) encoded whole")
        }

        @Test("The calibration pulse is 10 mm tall and the grid lines sit every millimetre", arguments: ECGSheet.Resolution.allCases)
        func geometry(resolution: ECGSheet.Resolution) throws {
            let raster = ECGSheet.raster(Self.recording, header: Self.header, resolution: resolution)
            let perMM = resolution.pixelsPerMM
            let pixel = { (x: Double, y: Double) -> [UInt8] in
                let index = (Int((y * perMM).rounded()) * raster.width + Int((x * perMM).rounded())) * 3
                return Array(raster.pixels[index..<index + 3])
            }
            // The pulse rises at 12 mm; along it ink runs from the baseline (50 mm) up 10 mm.
            let column = Int((12 * perMM).rounded())
            let inked = (Int(30 * perMM)..<Int(60 * perMM)).filter { y in
                let index = (y * raster.width + column) * 3
                return raster.pixels[index] < 80 && raster.pixels[index + 1] < 80
            }
            let height = Double(try #require(inked.last) - inked.first!)
            #expect(abs(height - 10 * perMM) <= Double(max(2, Int(perMM * 0.25) + 1)), "pulse \(height) px at \(perMM) px/mm")
            // Grid: major line at 27 mm (5 mm below the grid top at 22 mm), minor at 23 mm, paper between.
            #expect(pixel(7.5, 27) == [230, 128, 128])
            #expect(pixel(7.5, 23) == (perMM >= 3 ? [251, 214, 214] : [255, 255, 255]))
            #expect(pixel(7.5, 23.5) == [255, 255, 255])
        }

        @Test("The rhythm strip is one unbroken trace across 10 s; the header has text except on thumbnails")
        func traces() {
            for resolution in ECGSheet.Resolution.allCases {
                let raster = ECGSheet.raster(Self.recording, header: Self.header, resolution: resolution)
                let perMM = resolution.pixelsPerMM
                let rows = Int(150 * perMM)..<Int(200 * perMM)
                let gaps = (Int(21.5 * perMM)..<Int(270.5 * perMM)).filter { x in
                    !rows.contains { y in raster.pixels[(y * raster.width + x) * 3] < 80 }
                }
                #expect(gaps.isEmpty, "\(resolution): trace missing in columns \(gaps.prefix(5))")
                let header = raster.pixels[0..<(Int(20 * perMM) * raster.width * 3)]
                #expect(header.contains { $0 < 80 } == (resolution != .thumbnail), "\(resolution)")
            }
        }

        @Test("Header lines come from the recording; DICOM and HL7 times become readable")
        func header() throws {
            let dicom = try DICOMWaveformReader.read(DICOMSamples.testFile("waveform_ecg.dcm"))
            let header = ECGSheetHeader(patient: "P", recording: dicom)
            #expect(header.time == "2013-01-25 10:59:19")
            #expect(header.device == "Mortara Instrument, Inc. el250")
            #expect(header.measurements.heartRate == 61.1)
            #expect(ECGSheetHeader(patient: "P", recording: Self.recording, heartRate: 74.6).measurements.heartRate == 74.6)
            #expect(ECGSheetHeader(patient: "P", recording: Self.recording).time == "2026-11-22 09:30:00+08:00")
        }

        /// Width and height from a baseline JPEG's SOF0 segment.
        static func frameSize(_ jpeg: [UInt8]) -> (Int, Int)? {
            var index = 2
            while index + 8 < jpeg.count, jpeg[index] == 0xFF {
                let marker = jpeg[index + 1], length = Int(jpeg[index + 2]) << 8 | Int(jpeg[index + 3])
                if marker == 0xC0 {
                    return (Int(jpeg[index + 7]) << 8 | Int(jpeg[index + 8]), Int(jpeg[index + 5]) << 8 | Int(jpeg[index + 6]))
                }
                index += 2 + length
            }
            return nil
        }
    }
}
