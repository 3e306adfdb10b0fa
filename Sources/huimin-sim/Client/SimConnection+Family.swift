/// Family members (家庭成员): the self member from real-name registration plus relatives.
extension SimConnection {
    func members() async throws -> SimResponse {
        try await api("GET", "/api/v1/family-members")
    }

    func addMember(name: String, idNumber: String, relation: String, phone: String?) async throws -> SimResponse {
        try await api("POST", "/api/v1/family-members", .fields([
            "name": .string(name), "idNumber": .string(idNumber), "relation": .string(relation),
            "phone": phone.map(JSONValue.string),
        ]))
    }

    func updateMember(_ memberID: String, relation: String?, phone: String?) async throws -> SimResponse {
        try await api("PATCH", "/api/v1/family-members/\(memberID.urlQueryEncoded)",
                      .fields(["relation": relation.map(JSONValue.string), "phone": phone.map(JSONValue.string)]))
    }

    func removeMember(_ memberID: String) async throws -> SimResponse {
        try await api("DELETE", "/api/v1/family-members/\(memberID.urlQueryEncoded)")
    }

    func setDefaultMember(_ memberID: String) async throws -> SimResponse {
        try await api("POST", "/api/v1/family-members/\(memberID.urlQueryEncoded)/default")
    }
}
