import Foundation

/// What a hospital's HIS (or an administrator) sends to keep its catalog: everything keyed by the
/// hospital's own codes, so the same body can be sent again and again. The Appointments module
/// checks the shape; `CatalogStore` checks the references against what is already stored.
public struct CatalogPayload: Codable, Sendable {
    public var campuses: [Campus]
    public var departments: [Department]
    public var doctors: [Doctor]
    public var resources: [Resource]

    public init(campuses: [Campus] = [], departments: [Department] = [], doctors: [Doctor] = [], resources: [Resource] = []) {
        self.campuses = campuses
        self.departments = departments
        self.doctors = doctors
        self.resources = resources
    }

    /// Every list may be left out: a hospital may send only its doctors.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        campuses = try c.decodeIfPresent([Campus].self, forKey: .campuses) ?? []
        departments = try c.decodeIfPresent([Department].self, forKey: .departments) ?? []
        doctors = try c.decodeIfPresent([Doctor].self, forKey: .doctors) ?? []
        resources = try c.decodeIfPresent([Resource].self, forKey: .resources) ?? []
    }

    public struct Campus: Codable, Sendable, Equatable {
        public var code: String
        public var name: String
        public var address: String?
    }

    public struct Department: Codable, Sendable, Equatable {
        public var code: String
        public var name: String
        /// The top-level department this one belongs to; nil for a top-level department.
        public var parentCode: String?
        public var campusCode: String?
        public var introduction: String?
        public var minAge: Int?
        public var maxAge: Int?
        /// "male" or "female" when the department sees only one sex (妇产科).
        public var sex: String?
    }

    public struct Doctor: Codable, Sendable, Equatable {
        public var code: String
        public var name: String
        public var title: String?
        public var specialties: [String]?
        public var introduction: String?
        public var photoUrl: String?
    }

    public struct Resource: Codable, Sendable, Equatable {
        public var code: String
        public var kind: String
        public var departmentCode: String
        public var doctorCode: String?
        public var name: String
        public var notes: String?
    }
}

/// What an upsert did, entity by entity: sending the same body twice reports all unchanged.
public struct UpsertCounts: Codable, Sendable, Equatable {
    public var created = 0
    public var updated = 0
    public var unchanged = 0

    public init() {}

    public var changed: Bool { created + updated > 0 }
}

// MARK: Rows the resident browse reads

public struct CampusRecord: Codable, Sendable, Equatable {
    public var code: String
    public var name: String
    public var address: String
}

public struct HospitalRecord: Sendable {
    public var code: String
    public var name: String
    public var campuses: [CampusRecord]
}

public struct DepartmentRecord: Sendable {
    public var id: String
    public var hospitalCode: String
    public var code: String
    public var parentId: String?
    public var name: String
    public var introduction: String
    public var minAge: Int?
    public var maxAge: Int?
    public var sex: String?
    public var campus: CampusRecord?
}

public struct DoctorRecord: Sendable {
    public var id: String
    public var hospitalCode: String
    public var code: String
    public var name: String
    public var title: String
    public var specialties: [String]
    public var introduction: String
    public var photoUrl: String
    /// The doctor's active resources (clinics), for search results.
    public var resourceIds: [String]
}

public struct ResourceRecord: Sendable {
    public var id: String
    public var kind: String
    public var name: String
    public var notes: String
    public var doctor: DoctorRecord?
}
