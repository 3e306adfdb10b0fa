import Foundation
import Imaging

/// A DICOM JSON object (PS3.18 F.2) built from index columns, for QIDO answers.
struct DicomJSONAttributes {
    private(set) var object: [String: Any] = [:]

    /// Every QIDO result names its study (and series), in UTF-8 text.
    init(study: String, series: String?) {
        text(.specificCharacterSet, "CS", "ISO_IR 192")
        text(.studyInstanceUID, "UI", study)
        if let series { text(.seriesInstanceUID, "UI", series) }
    }

    mutating func text(_ tag: Tag, _ vr: String, _ value: String?) {
        guard let value, !value.isEmpty else {
            object[tag.hex] = ["vr": vr]
            return
        }
        object[tag.hex] = ["vr": vr, "Value": value.split(separator: "\\", omittingEmptySubsequences: false).map(String.init)]
    }

    mutating func number(_ tag: Tag, _ vr: String, _ value: Int?) {
        guard let value else {
            object[tag.hex] = ["vr": vr]
            return
        }
        object[tag.hex] = ["vr": vr, "Value": [value]]
    }

    /// PN values are objects of component groups.
    mutating func personName(_ tag: Tag, _ value: String?) {
        guard let value, !value.isEmpty else {
            object[tag.hex] = ["vr": "PN"]
            return
        }
        let name = PersonName(value)
        var groups: [String: String] = [:]
        if !name.alphabetic.isEmpty { groups["Alphabetic"] = name.alphabetic }
        if !name.ideographic.isEmpty { groups["Ideographic"] = name.ideographic }
        if !name.phonetic.isEmpty { groups["Phonetic"] = name.phonetic }
        object[tag.hex] = ["vr": "PN", "Value": [groups]]
    }

    mutating func url(_ tag: Tag, _ value: String) {
        object[tag.hex] = ["vr": "UR", "Value": [value]]
    }

    static func encode(_ objects: [[String: Any]]) throws -> [UInt8] {
        Array(try JSONSerialization.data(withJSONObject: objects, options: [.sortedKeys, .withoutEscapingSlashes]))
    }
}

extension Tag {
    static let numberOfStudyRelatedSeries = Tag(0x0020, 0x1206)
    static let numberOfStudyRelatedInstances = Tag(0x0020, 0x1208)
    static let numberOfSeriesRelatedInstances = Tag(0x0020, 0x1209)
    static let retrieveURL = Tag(0x0008, 0x1190)
    static let availableTransferSyntaxUID = Tag(0x0008, 0x3002)
}
