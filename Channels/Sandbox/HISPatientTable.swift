import Foundation
import Synchronization

/// The sandbox HIS's patient master index (患者主索引), per hospital code, in memory.
final class HISPatientTable: Sendable {
    /// A patient as the HIS wire carries it, plus the hospital it belongs to in fixture files.
    struct Patient: Codable, Sendable {
        var hospital: String?
        let patient_id: String
        let card_no: String
        let name: String
        let id_card_no: String
        let sex: String
        let birthday: String
        let phone: String
    }

    struct FixtureFile: Decodable {
        let patients: [Patient]
    }

    private let byHospital = Mutex<[String: [Patient]]>([:])
    private let sequence = Atomic<Int>(0)

    init(fixtures: [Patient]) {
        byHospital.withLock { table in
            for patient in fixtures {
                table[patient.hospital ?? "", default: []].append(patient)
            }
        }
    }

    static func load(from url: URL?) throws -> [Patient] {
        guard let url, FileManager.default.fileExists(atPath: url.path) else { return [] }
        return try JSONDecoder().decode(FixtureFile.self, from: Data(contentsOf: url)).patients
    }

    func patients(hospital: String) -> [Patient] {
        byHospital.withLock { $0[hospital] ?? [] }
    }

    func find(hospital: String, idNumber: String) -> [Patient] {
        patients(hospital: hospital).filter { $0.id_card_no == idNumber }
    }

    /// nil when the hospital already has a record for the ID number.
    func create(hospital: String, name: String, idNumber: String, sex: String, birthday: String,
                phone: String) -> Patient? {
        byHospital.withLock { table in
            let existing = table[hospital] ?? []
            guard !existing.contains(where: { $0.id_card_no == idNumber }) else { return nil }
            // Numbers above the fixtures' range, so created records never collide with seeded ones.
            let number = 100_000 + sequence.add(1, ordering: .relaxed).newValue
            let patient = Patient(hospital: hospital, patient_id: String(format: "P%08d", number),
                                  card_no: String(format: "9%09d", number), name: name, id_card_no: idNumber,
                                  sex: sex, birthday: birthday, phone: phone)
            table[hospital, default: []].append(patient)
            return patient
        }
    }
}
