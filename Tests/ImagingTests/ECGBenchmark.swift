import Foundation
import Imaging
import TestSupport
import Testing

extension ImagingTestSuite {
    /// Sheet rendering and R-peak timings (run in release). Enabled by HUIMIN_ECG_BENCH; prints
    /// milliseconds per 10 s 12-lead 500 Hz recording: raster, JPEG encoding, and R-peak detection.
    @Suite("ECG benchmark")
    struct ECGBenchmark {
        @Test("ECGBenchmark: sheet per resolution and R-peak detection",
              .enabled(if: ProcessInfo.processInfo.environment["HUIMIN_ECG_BENCH"] != nil))
        func sheets() throws {
            // The DICOM sample's 1000 Hz rhythm, every other sample: 12 leads, 500 Hz, 10 s.
            var recording = try DICOMWaveformReader.read(DICOMSamples.testFile("waveform_ecg.dcm"))
            recording.leads = recording.leads.map { lead in
                Lead(name: lead.name, samples: stride(from: 0, to: lead.samples.count, by: 2).map { lead.samples[$0] })
            }
            recording.samplingRate = 500
            let header = ECGSheetHeader(patient: "Patient 642***", recording: recording)
            let rounds = 20
            for resolution in ECGSheet.Resolution.allCases {
                var raster = ECGSheet.raster(recording, header: header, resolution: resolution)
                let drawing = Self.milliseconds(rounds) { raster = ECGSheet.raster(recording, header: header, resolution: resolution) }
                let encoding = Self.milliseconds(rounds) { _ = try? JPEGEncoder.encode(raster) }
                print("ECG-BENCH\t\(resolution.rawValue)\t\(raster.width)x\(raster.height)\tdraw \(drawing) ms\tjpeg \(encoding) ms\ttotal \(((drawing + encoding) * 10).rounded() / 10) ms")
            }
            let detection = Self.milliseconds(rounds) { _ = RPeakDetector.analyse(recording) }
            print("ECG-BENCH\tr-peaks\t\(detection) ms")
        }

        private static func milliseconds(_ rounds: Int, _ work: () -> Void) -> Double {
            let start = ContinuousClock.now
            for _ in 0..<rounds { work() }
            let elapsed = (ContinuousClock.now - start) / rounds
            let milliseconds = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
            return (milliseconds * 10).rounded() / 10
        }
    }
}
