import ArgumentParser
import Foundation
import Imaging

/// `huimin demo-study --out DIR --patient-id ID`: writes a made-up chest CT as DICOM files, for
/// testers to send through a PACS path (`huimin-sim` dicom-upload, STOW, `huimin import`).
struct DemoStudy: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo-study",
                                                    abstract: "Write a made-up chest CT study (DICOM files) for trying films and shares.")

    @Option(help: "Directory to write the files into (created).") var out: String
    @Option(name: .customLong("patient-id"), help: "Patient ID: a hospital patient ID or an ID-card number.") var patientID: String
    @Option(name: .customLong("patient-name"), help: "DICOM person name.") var patientName = "Zhang^San=张^三"
    @Option(help: "Axial slices besides the scout.") var images = 40
    @Option(help: "Rows and columns.") var size = 256
    @Option(name: .customLong("study-uid"), help: "StudyInstanceUID (default: a new 2.25 UID).") var studyUID: String?
    @Option(help: "Study date, yyyyMMdd.") var date = "20261128"

    func validate() throws {
        guard (1...2000).contains(images) else { throw ValidationError("--images is 1 to 2000.") }
        guard (16...1024).contains(size) else { throw ValidationError("--size is 16 to 1024.") }
    }

    func run() throws {
        let uid = studyUID ?? Self.newUID()
        let study = SyntheticCT(studyUID: uid, patientID: patientID, patientName: patientName, studyDate: date, images: images, size: size)
        let directory = URL(fileURLWithPath: out, isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for file in try study.files() {
            try Data(file.bytes).write(to: directory.appendingPathComponent(file.name), options: .atomic)
        }
        print(uid)
    }

    /// A UID under 2.25 (PS3.5 B.2) from 128 random bits, as a decimal integer.
    static func newUID() -> String {
        let uuid = UUID().uuid
        let bytes = withUnsafeBytes(of: uuid) { Array($0) }
        var digits = [UInt8](repeating: 0, count: 40)
        for byte in bytes {
            var carry = Int(byte)
            for index in stride(from: digits.count - 1, through: 0, by: -1) {
                let value = Int(digits[index]) * 256 + carry
                digits[index] = UInt8(value % 10)
                carry = value / 10
            }
        }
        let text = String(digits.drop { $0 == 0 }.map { Character(String($0)) })
        return "2.25." + (text.isEmpty ? "0" : text)
    }
}
