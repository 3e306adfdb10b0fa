import Foundation
import Imaging
import TestSupport
import Testing

extension ImagingTestSuite {
    /// Writes sample sheets to HUIMIN_ECG_EXPORT (a directory) for a person to look at; off otherwise.
    @Suite("ECG sheet export")
    struct ECGSheetExport {
        @Test("ECGSheetExport: DICOM sample and fixtures at every resolution",
              .enabled(if: ProcessInfo.processInfo.environment["HUIMIN_ECG_EXPORT"] != nil))
        func export() throws {
            let directory = URL(fileURLWithPath: ProcessInfo.processInfo.environment["HUIMIN_ECG_EXPORT"]!)
            let recordings = [
                ("waveform_ecg", try DICOMWaveformReader.read(DICOMSamples.testFile("waveform_ecg.dcm"))),
                ("sinus-75-aecg", try AECGReader.read(ECGFixtures.bytes("sinus-75.aecg.xml"))),
                ("tachy-160", try ECGFixtures.json("tachy-160")),
            ]
            for (name, recording) in recordings {
                let header = ECGSheetHeader(patient: "Patient 642***  F  42Y", recording: recording)
                for resolution in ECGSheet.Resolution.allCases {
                    let jpeg = try ECGSheet.jpeg(recording, header: header, resolution: resolution)
                    try Data(jpeg).write(to: directory.appendingPathComponent("ecg-\(name)-\(resolution.rawValue).jpg"))
                }
            }
        }
    }
}
