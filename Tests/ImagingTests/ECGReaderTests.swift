import Foundation
@testable import Imaging
import TestSupport
import Testing

extension ImagingTestSuite {
    @Suite("ECG readers")
    struct ECGReaderTests {
        @Test("DICOM waveform: the rhythm group of waveform_ecg.dcm, its scaling and the cart's annotations")
        func dicomSample() throws {
            let recording = try DICOMWaveformReader.read(DICOMSamples.testFile("waveform_ecg.dcm"))
            #expect(recording.source == .dicom)
            #expect(recording.leads.map(\.name) == LeadName.standard)
            #expect(recording.samplingRate == 1000)
            #expect(recording.sampleCount == 10_000)
            #expect(recording.duration == 10)
            // pydicom's waveform_array(0): 100, 112.5 and 12.5 µV at sample 0; -30 µV in III at 1000.
            #expect(recording.lead("I")?.samples[0] == 100)
            #expect(recording.lead("II")?.samples[0] == 113)
            #expect(recording.lead("III")?.samples[1000] == -30)
            #expect(recording.extraGroups.map(\.label) == ["MEDIAN BEAT"])
            #expect(recording.extraGroups.first?.leads.count == 12)
            #expect(recording.extraGroups.first?.leads.first?.samples.count == 1200)
            #expect(recording.measurements.rr == 982)
            #expect(recording.measurements.heartRate == 61.1)
            #expect(recording.measurements.pr == 161)
            #expect(recording.measurements.qrs == 75)
            #expect(recording.measurements.qt == 368)
            #expect(recording.measurements.qtc == 370)
            #expect(recording.measurements.pAxis == 74)
            #expect(recording.measurements.qrsAxis == 52)
            #expect(recording.measurements.tAxis == 57)
            #expect(recording.interpretation == ["RITMO SINUSALE", "ECG NORMALE"])
            #expect(recording.patient.id == "642341")
            #expect(recording.acquisitionTime == "20130125105919")
            #expect(recording.deviceID == "Mortara Instrument, Inc. el250")
        }

        @Test("DICOM waveform: a file without waveforms and one with cut waveform data")
        func dicomErrors() throws {
            let image = try DICOMSamples.testFile("CT_small.dcm")
            #expect(throws: ECGError.self) { try DICOMWaveformReader.read(image) }
            do { _ = try DICOMWaveformReader.read(image) } catch { #expect(error.code == "ecg_not_dicom") }

            var file = try DICOMFile.read(DICOMSamples.testFile("waveform_ecg.dcm")).dataSet
            var groups = file.sequence(.waveformSequence)
            let data = try #require(groups[0].bytes(Tag(0x5400, 0x1010)))
            let element = try #require(groups[0][Tag(0x5400, 0x1010)])
            groups[0].set(DataElement(tag: element.tag, vr: element.vr, value: .bytes(Array(data.prefix(1000)))))
            let sequence = try #require(file[.waveformSequence])
            file.set(DataElement(tag: sequence.tag, vr: sequence.vr, value: .sequence(groups)))
            do { _ = try DICOMWaveformReader.read(file); Issue.record("expected an error") } catch {
                #expect(error.code == "ecg_truncated")
                #expect(error.message.contains("RHYTHM"))
            }
        }

        @Test("HL7 aECG: leads, derived limb leads, rate, scale, annotations and identifiers")
        func aecgFixture() throws {
            let recording = try AECGReader.read(ECGFixtures.bytes("sinus-75.aecg.xml"))
            let json = try ECGFixtures.json("sinus-75")
            #expect(recording.source == .aecg)
            #expect(recording.leads.map(\.name) == LeadName.standard)
            #expect(recording.samplingRate == 250)
            #expect(recording.sampleCount == 2500)
            #expect(recording.duration == 10)
            // 5 µV per digit: within 2.5 µV of the JSON's integers.
            let aecgII = try #require(recording.lead("II")).samples, jsonII = try #require(json.lead("II")).samples
            #expect(zip(aecgII, jsonII).allSatisfy { abs($0 - $1) <= 3 })
            #expect(aecgII.allSatisfy { $0 % 5 == 0 })
            #expect(recording.measurements == ECGMeasurements(heartRate: 75, pr: 160, qrs: 88, qt: 380, qtc: 402, qrsAxis: 45))
            #expect(recording.interpretation == ["Sinus rhythm", "正常心电图"])
            #expect(recording.patient == ECGPatient(id: "P-aecg", name: "Zhang San"))
            #expect(recording.deviceID == "CART-AECG-01")
            #expect(recording.acquisitionTime == "20261122093000.000")
        }

        @Test("HL7 aECG: truncated, not aECG, bad digits, no leads, no increment")
        func aecgErrors() throws {
            let full = try ECGFixtures.bytes("sinus-75.aecg.xml")
            let text = String(decoding: full, as: UTF8.self)
            func code(_ xml: String) -> String? {
                do { _ = try AECGReader.read(Array(xml.utf8)); return nil } catch { return error.code }
            }
            #expect(code(String(text.prefix(text.count / 2))) == "ecg_truncated")
            #expect(code("<html><body/></html>") == "ecg_not_aecg")
            #expect(code("not xml at all") == "ecg_not_aecg")
            #expect(code(text.replacingOccurrences(of: "<digits>", with: "<digits>1.5 ")) == "ecg_invalid_field")
            #expect(code(text.replacingOccurrences(of: "MDC_ECG_LEAD_", with: "TIME_RELATIVE_")) == "ecg_no_leads")
            #expect(code(text.replacingOccurrences(of: "<increment value=\"0.004\" unit=\"s\"/>", with: "")) == "ecg_bad_sampling_rate")
            #expect(code(text.replacingOccurrences(of: "value=\"0.004\" unit=\"s\"", with: "value=\"4\" unit=\"s\"")) == "ecg_bad_sampling_rate")
        }

        @Test("JSON: every fixture reads as 12 leads of 10 s at 250 Hz with its identifiers")
        func jsonFixtures() throws {
            for name in ECGFixtures.jsonNames {
                let recording = try ECGFixtures.json(name)
                #expect(recording.source == .json)
                #expect(recording.leads.map(\.name) == LeadName.standard, "\(name)")
                #expect(recording.samplingRate == 250)
                #expect(recording.duration == 10)
                #expect(recording.patient.id == "P-" + name)
                #expect(recording.deviceID == "SIM-" + name.uppercased())
            }
        }

        @Test("JSON: the fast leads scanner reads every sample exactly as a JSON parser does, spaces and signs included")
        func fastLeadsMatchAParser() throws {
            for name in ECGFixtures.jsonNames {
                let bytes = try ECGFixtures.bytes(name + ".json")
                let parsed = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
                let leads = try #require(parsed["leads"] as? [String: [Int]])
                let recording = try ECGReader.read(bytes)
                for (lead, samples) in leads {
                    #expect(recording.lead(LeadName.normalised(lead))?.samples == samples.map(Int32.init), "\(name) \(lead)")
                }
            }
            let spaced = ECGFixtures.document(leads: #"{ "I" : [ -1 , 2 ,3 ] , "II":[4,-5, 6 ] }"#)
            let recording = try ECGReader.read(spaced)
            #expect(recording.lead("I")?.samples == [-1, 2, 3] && recording.lead("II")?.samples == [4, -5, 6])
        }

        @Test("Derived limb leads follow Einthoven and Goldberger exactly; sent leads are kept")
        func derivedLeads() throws {
            let recording = try ECGJSONReader.read(ECGFixtures.document(leads: #"{"I":[100,-7,0],"II":[300,3,-1],"V1":[1,2,3]}"#))
            #expect(recording.leads.map(\.name) == ["I", "II", "III", "aVR", "aVL", "aVF", "V1"])
            #expect(recording.lead("III")?.samples == [200, 10, -1])
            #expect(recording.lead("aVR")?.samples == [-200, 2, 1])      // -(I+II)/2, halves away from zero
            #expect(recording.lead("aVL")?.samples == [-50, -9, 1])      // I - II/2
            #expect(recording.lead("aVF")?.samples == [250, 7, -1])      // II - I/2
            let sent = try ECGJSONReader.read(ECGFixtures.document(leads: #"{"I":[1],"II":[2],"III":[99]}"#))
            #expect(sent.lead("III")?.samples == [99])
        }

        @Test("JSON: malformed documents name the field")
        func jsonErrors() throws {
            func failure(_ bytes: [UInt8]) -> ECGError? {
                do { _ = try ECGJSONReader.read(bytes); return nil } catch { return error }
            }
            #expect(failure(ECGFixtures.document(leads: "{}"))?.code == "ecg_no_leads")
            #expect(failure(ECGFixtures.document(rate: "0"))?.code == "ecg_bad_sampling_rate")
            #expect(failure(ECGFixtures.document(rate: "\"500\""))?.code == "ecg_invalid_field")
            #expect(failure(ECGFixtures.document(leads: #"{"I":[1,2,3],"II":[4,5]}"#))
                    == .leadLengthMismatch(lead: "II", expected: 3, found: 2))
            let typeError = failure(ECGFixtures.document(leads: #"{"I":[1,"x",3]}"#))
            #expect(typeError?.code == "ecg_invalid_field")
            #expect(typeError?.message.contains("leads.I[1]") == true)
            #expect(failure(ECGFixtures.document(leads: #"{"I":[1.5]}"#))?.message.contains("leads.I[0]") == true)
            #expect(failure(ECGFixtures.document(extra: #","heartrate":60"#)) == .invalidField(field: "heartrate", reason: "unknown field (see ecg-json-format.md)"))
            #expect(failure(ECGFixtures.document(extra: #","units":"V""#))?.message.contains("units") == true)
            #expect(failure(ECGFixtures.document(extra: #","measurements":{"heartRate":"fast"}"#))?.message.contains("measurements.heartRate") == true)
            #expect(failure(Array(#"{"samplingRate":500,"leads":{"I":[1]}}"#.utf8))?.message.contains("recordedAt") == true)
            for good in ["2026-11-22T09:30:00+08:00", "2026-11-22T01:30:00Z", "2024-02-29T23:59:59.250-05:30", "2026-11-22t09:30:00z"] {
                #expect(InternetDateTime.isValid(good), "\(good)")
            }
            for bad in ["2026-11-22T09:30:00", "2026-11-22 09:30:00+08:00", "2026-02-29T09:30:00Z", "2026-13-01T09:30:00Z",
                        "2026-11-31T09:30:00Z", "2026-11-22T24:00:00Z", "2026-11-22T09:30:00+0800", "2026-11-22T09:30:00.Z",
                        "2026-11-22T09:30:00+08:00 ", "26-11-22T09:30:00Z", ""] {
                #expect(!InternetDateTime.isValid(bad), "\(bad)")
            }
            let badTime = ECGFixtures.document().map { $0 == UInt8(ascii: "+") ? UInt8(ascii: "*") : $0 }
            #expect(failure(badTime) == .invalidField(field: "recordedAt", reason: "\"2026-11-22T09:30:00*08:00\" is not an ISO 8601 date-time with offset"))
            #expect(failure(Array(ECGFixtures.document().dropLast(5)))?.code == "ecg_not_json")
            let mV = try ECGJSONReader.read(ECGFixtures.document(leads: #"{"V1":[0.125,-1.5]}"#, extra: #","units":"mV""#))
            #expect(mV.lead("V1")?.samples == [125, -1500])
            // A lead that turns from whole numbers to fractions part-way keeps every sample.
            let mixed = try ECGJSONReader.read(ECGFixtures.document(leads: #"{"V1":[2,0.125,-1.5,-3]}"#, extra: #","units":"mV""#))
            #expect(mixed.lead("V1")?.samples == [2000, 125, -1500, -3000])
            #expect(failure(ECGFixtures.document(leads: #"{"I":[1,2,3.5]}"#))?.message.contains("leads.I[2]") == true)
            #expect(failure(ECGFixtures.document(leads: #"{"I":[1,-2147483648]}"#))?.message.contains("leads.I[1]") == true)
            #expect(failure(ECGFixtures.document(leads: #"{"I":[1,3000000],"II":[1,2]}"#, extra: #","units":"mV""#))?
                        .message.contains("leads.I[1]") == true)
        }
    }

    @Suite("ECG format sniffing")
    struct ECGReaderSniffingTests {
        @Test("ECGReader picks the reader from the first bytes")
        func sniffing() throws {
            #expect(try ECGReader.read(DICOMSamples.testFile("waveform_ecg.dcm")).source == .dicom)
            #expect(try ECGReader.read(ECGFixtures.bytes("sinus-75.aecg.xml")).source == .aecg)
            #expect(try ECGReader.read(Array("\n ".utf8) + ECGFixtures.document()).source == .json)
            do { _ = try ECGReader.read(Array("%PDF-1.4".utf8)); Issue.record("expected an error") } catch {
                #expect(error.code == "ecg_not_ecg")
            }
        }
    }
}
