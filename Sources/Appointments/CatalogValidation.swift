import Database
import Foundation
import HuiminCore

/// The shape rules of a catalog body, checked before anything is read or written. Every message
/// names the offending code, because a hospital's body runs to thousands of entries.
enum CatalogValidation {
    static let kinds: Set<String> = ["outpatient", "exam", "lab", "bed", "checkup"]
    static let sexes: Set<String> = ["male", "female"]

    static func check(_ payload: CatalogPayload) throws {
        try unique(payload.campuses.map(\.code), "campus")
        try unique(payload.departments.map(\.code), "department")
        try unique(payload.doctors.map(\.code), "doctor")
        try unique(payload.resources.map(\.code), "resource")
        for campus in payload.campuses {
            try name(campus.name, "campus", campus.code)
            try length(campus.address, 200, "address of campus", campus.code)
        }
        for department in payload.departments {
            try name(department.name, "department", department.code)
            try length(department.introduction, 4000, "introduction of department", department.code)
            if let sex = department.sex, !sexes.contains(sex) {
                throw invalid("Department \(department.code): sex is male or female.")
            }
            for age in [department.minAge, department.maxAge].compactMap({ $0 }) where !(0...150).contains(age) {
                throw invalid("Department \(department.code): ages are 0 to 150 years.")
            }
            if let min = department.minAge, let max = department.maxAge, min > max {
                throw invalid("Department \(department.code): minAge is above maxAge.")
            }
        }
        for doctor in payload.doctors {
            try name(doctor.name, "doctor", doctor.code)
            try length(doctor.title, 50, "title of doctor", doctor.code)
            try length(doctor.introduction, 4000, "introduction of doctor", doctor.code)
            let specialties = doctor.specialties ?? []
            if specialties.count > 30 || specialties.contains(where: { $0.isEmpty || $0.count > 50 }) {
                throw invalid("Doctor \(doctor.code): at most 30 specialties, each 1 to 50 characters.")
            }
            if let url = doctor.photoUrl, !url.isEmpty {
                guard url.count <= 500, url.hasPrefix("https://") || url.hasPrefix("http://"), URL(string: url)?.host != nil else {
                    throw invalid("Doctor \(doctor.code): photoUrl must be an http(s) URL.")
                }
            }
        }
        for resource in payload.resources {
            try name(resource.name, "resource", resource.code)
            try length(resource.notes, 1000, "notes of resource", resource.code)
            guard kinds.contains(resource.kind) else {
                throw invalid("Resource \(resource.code): kind is outpatient, exam, lab, bed or checkup.")
            }
        }
    }

    /// Codes are the hospital's keys: letters, digits, '-', '_' and '.', at most 64.
    static func code(_ code: String, _ entity: String) throws {
        guard (1...64).contains(code.count), code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
            throw invalid("The \(entity) code '\(code.prefix(64))' must be 1 to 64 letters, digits, '-', '_' or '.'.")
        }
    }

    private static func unique(_ codes: [String], _ entity: String) throws {
        var seen = Set<String>()
        for code in codes {
            try Self.code(code, entity)
            guard seen.insert(code).inserted else { throw invalid("The \(entity) code \(code) appears twice in the body.") }
        }
    }

    private static func name(_ name: String, _ entity: String, _ code: String) throws {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= 100 else {
            throw invalid("The name of \(entity) \(code) must be 1 to 100 characters.")
        }
    }

    private static func length(_ text: String?, _ limit: Int, _ field: String, _ code: String) throws {
        guard (text?.count ?? 0) <= limit else { throw invalid("The \(field) \(code) is longer than \(limit) characters.") }
    }

    private static func invalid(_ message: String) -> AppError { AppError.invalid("catalog_invalid", message) }
}
