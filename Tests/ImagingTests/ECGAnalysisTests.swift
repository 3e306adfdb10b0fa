import Foundation
import Imaging
import TestSupport
import Testing

extension ImagingTestSuite {
    @Suite("ECG analysis")
    struct ECGAnalysisTests {
        @Test("R-peak rate within 2 bpm of neurokit2's on every synthetic fixture", arguments: ECGFixtures.jsonNames)
        func fixtureRates(name: String) throws {
            let expected = try #require(try ECGFixtures.expected()[name])
            let analysis = try #require(RPeakDetector.analyse(try ECGFixtures.json(name)))
            #expect(analysis.lead == "II")
            let rate = try #require(analysis.heartRate)
            print("ECG-RATE\t\(name)\tdetected \((rate * 10).rounded() / 10)\tneurokit2 \(expected.rate)\tlongest RR \(analysis.longestRR ?? 0)")
            #expect(abs(rate - expected.rate) <= 2, "\(name): \(rate) bpm, neurokit2 \(expected.rate)")
            #expect(abs((analysis.longestRR ?? 0) - expected.longestRR) <= 0.05, "\(name): longest RR \(analysis.longestRR ?? 0)")
        }

        @Test("R-peak rate on the aECG fixture and on waveform_ecg.dcm against its annotated beats")
        func recordedRates() throws {
            let aecg = try #require(RPeakDetector.analyse(try AECGReader.read(ECGFixtures.bytes("sinus-75.aecg.xml"))))
            #expect(abs(try #require(aecg.heartRate) - ECGFixtures.expected()["sinus-75.aecg"]!.rate) <= 2)
            // The cart's QRS onsets (Waveform Annotation Sequence, groups 100-109) are 982.6 ms apart
            // on average: 61.06 bpm; its own RR measurement is 982 ms.
            let recording = try DICOMWaveformReader.read(DICOMSamples.testFile("waveform_ecg.dcm"))
            let analysis = try #require(RPeakDetector.analyse(recording))
            let rate = try #require(analysis.heartRate)
            print("ECG-RATE\twaveform_ecg.dcm\tdetected \((rate * 10).rounded() / 10)\tannotated 61.06")
            #expect(abs(rate - 60_000 / 982.6) <= 2)
            #expect(analysis.rPeaks.count == 10)
            let onsets = [486, 1485, 2466, 3448, 4444, 5427, 6401, 7403, 8376, 9329]
            #expect(zip(analysis.rPeaks, onsets).allSatisfy { $0 > $1 && $0 - $1 < 75 })
        }

        @Test("A flat line and a short recording have no beats")
        func noBeats() {
            #expect(RPeakDetector.detect([Int32](repeating: 0, count: 5000), samplingRate: 500).isEmpty)
            #expect(RPeakDetector.detect([1, 2, 3], samplingRate: 500).isEmpty)
            let flat = RhythmAnalysis(lead: "II", samplingRate: 500, rPeaks: [100])
            #expect(flat.heartRate == nil && flat.longestRR == nil)
        }
    }
}
