import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// HL7 aECG (the FDA's Annotated ECG XML, 2005 Implementation Guide). Leads are the SLIST_PQ
/// sequences of the rhythm series' sequence set (voltage = origin + scale × digit); the time
/// sequence's GLIST increment gives the sampling interval. Representative-beat series
/// (`derivedSeries`) are skipped; annotations are read from anywhere, since carts put the global
/// measurements on either series.
public enum AECGReader {
    public static func read(_ bytes: [UInt8]) throws(ECGError) -> ECGRecording {
        let document = AECGDocument()
        let parser = XMLParser(data: Data(bytes))
        parser.shouldProcessNamespaces = true
        parser.delegate = document
        let finished = parser.parse()
        if let problem = document.problem { throw problem }
        guard let root = document.rootName else { throw .notECG(format: "aecg", reason: "the data is not XML") }
        guard root == "AnnotatedECG" else { throw .notECG(format: "aecg", reason: "the root element is \(root), not AnnotatedECG") }
        guard finished, document.closedRoot else {
            // libxml2 reports a cut-off document at its last line; anything earlier is malformed.
            let line = parser.lineNumber
            let lastLine = bytes.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            guard line >= lastLine - 1 else { throw .notECG(format: "aecg", reason: "malformed XML at line \(line)") }
            throw .truncated("the XML ends before </AnnotatedECG> (line \(line))")
        }
        return try document.recording()
    }
}

/// SAX state for one aECG document. Element names are local (namespace stripped).
private final class AECGDocument: NSObject, XMLParserDelegate {
    private(set) var rootName: String?
    private(set) var closedRoot = false
    private(set) var problem: ECGError?

    private var path: [String] = []
    private var text = ""
    private var acquisitionTime: String?
    private var patient = ECGPatient()
    private var deviceID: String?
    private var measurements = ECGMeasurements()
    private var statements: [String] = []

    private var rhythmSeriesDone = false
    private var inRhythmSeries = false
    private var sequence = SequenceState()
    private var leads: [Lead] = []
    private var increment: Double?
    private var annotations: [AnnotationState] = []

    private struct SequenceState {
        var code = ""
        var origin = 0.0
        var scale = 1.0
        var unitFactor = 1.0
        var digits = ""
    }

    private struct AnnotationState {
        var code = ""
        var value: Double?
        var text = ""
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        if path.isEmpty {
            rootName = name
            guard name == "AnnotatedECG" else { return parser.abortParsing() }
        }
        let parent = path.last ?? ""
        path.append(name)
        text = ""
        switch (parent, name) {
        case (_, "series") where !rhythmSeriesDone:
            inRhythmSeries = true
        case (_, "sequence") where inRhythmSeries:
            sequence = SequenceState()
        case ("sequence", "code") where inRhythmSeries:
            sequence.code = attributes["code"] ?? ""
        case ("value", "increment") where inRhythmSeries && sequence.code.hasPrefix("TIME_"):
            increment = Self.seconds(attributes["value"], unit: attributes["unit"])
        case ("value", "origin") where inRhythmSeries:
            sequence.origin = Double(attributes["value"] ?? "") ?? 0
            sequence.unitFactor = Self.microvolts(per: attributes["unit"])
        case ("value", "scale") where inRhythmSeries:
            sequence.scale = Double(attributes["value"] ?? "") ?? 1
            sequence.unitFactor = Self.microvolts(per: attributes["unit"])
        case (_, "annotation"):
            annotations.append(AnnotationState())
        case ("annotation", "code"):
            annotations[annotations.count - 1].code = attributes["code"] ?? ""
        case ("annotation", "value"):
            annotations[annotations.count - 1].value = attributes["value"].flatMap(Double.init)
        case ("effectiveTime", "low") where path.count == 3:
            acquisitionTime = attributes["value"]
        case ("trialSubject", "id"):
            patient.id = attributes["extension"] ?? attributes["root"]
        case ("manufacturedSeriesDevice", "id"):
            deviceID = deviceID ?? attributes["extension"] ?? attributes["root"]
        default:
            break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        text += string
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        path.removeLast()
        let parent = path.last ?? ""
        switch (parent, name) {
        case ("value", "digits") where inRhythmSeries:
            sequence.digits = text
        case (_, "sequence") where inRhythmSeries && sequence.code != "" && !sequence.code.hasPrefix("TIME_"):
            finishLead()
        case (_, "series") where inRhythmSeries:
            inRhythmSeries = false
            rhythmSeriesDone = true
        case ("annotation", "value"):
            annotations[annotations.count - 1].text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        case (_, "annotation"):
            finishAnnotation(annotations.removeLast())
        case ("subjectDemographicPerson", "name"):
            patient.name = text.trimmingCharacters(in: .whitespacesAndNewlines)
        case (_, "AnnotatedECG"):
            closedRoot = true
        default:
            break
        }
        text = ""
    }

    private func finishLead() {
        let name = LeadName.normalised(sequence.code)
        var samples: [Int32] = []
        samples.reserveCapacity(sequence.digits.utf8.count / 3)
        var value = 0, negative = false, inNumber = false
        for byte in sequence.digits.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                value = value &* 10 &+ Int(byte - UInt8(ascii: "0"))
                inNumber = true
            case UInt8(ascii: "-") where !inNumber:
                negative = true
            case 0x20, 0x09, 0x0A, 0x0D:
                if inNumber { samples.append(microvolts(negative ? -value : value)) }
                value = 0; negative = false; inNumber = false
            default:
                problem = problem ?? .invalidField(field: "lead \(name) digits", reason: "\"\(Character(Unicode.Scalar(byte)))\" is not part of an integer")
                return
            }
        }
        if inNumber { samples.append(microvolts(negative ? -value : value)) }
        leads.append(Lead(name: name, samples: samples))
    }

    private func microvolts(_ digit: Int) -> Int32 {
        Int32(clamping: Int(((sequence.origin + sequence.scale * Double(digit)) * sequence.unitFactor).rounded()))
    }

    private func finishAnnotation(_ annotation: AnnotationState) {
        if annotation.code.hasPrefix("MDC_ECG_INTERPRETATION"), !annotation.text.isEmpty {
            statements.append(annotation.text)
        } else if let value = annotation.value, let field = MeasurementField.named([annotation.code]) {
            measurements.record(value, for: field)
        }
    }

    func recording() throws(ECGError) -> ECGRecording {
        guard !leads.isEmpty else { throw .noLeads("the rhythm series has no lead sequences") }
        guard let increment, increment > 0 else {
            throw .badSamplingRate("the time sequence has no usable GLIST increment")
        }
        let rate = (1 / increment * 1_000).rounded() / 1_000
        measurements.deriveHeartRate()
        return ECGRecording(source: .aecg, leads: try LeadSet.validated(leads, samplingRate: rate), samplingRate: rate,
                            measurements: measurements, interpretation: statements, acquisitionTime: acquisitionTime,
                            deviceID: deviceID, patient: patient)
    }

    private static func seconds(_ value: String?, unit: String?) -> Double? {
        guard let number = value.flatMap(Double.init) else { return nil }
        switch unit {
        case "ms": return number / 1_000
        case "us", "µs": return number / 1_000_000
        default: return number
        }
    }

    private static func microvolts(per unit: String?) -> Double {
        switch unit {
        case "mV": 1_000
        case "V": 1_000_000
        case "nV": 0.001
        default: 1
        }
    }
}
