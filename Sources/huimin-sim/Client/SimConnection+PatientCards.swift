/// Hospital patient cards (就诊卡): find the member's record at a hospital's HIS, bind it, or
/// open a new record (建档) there.
extension SimConnection {
    private func patientCardsPath(_ memberID: String) -> String {
        "/api/v1/family-members/\(memberID.urlQueryEncoded)/patient-cards"
    }

    func patientCards(_ memberID: String) async throws -> SimResponse {
        try await api("GET", patientCardsPath(memberID))
    }

    func lookUpPatientRecords(_ memberID: String, hospital: String) async throws -> SimResponse {
        try await api("GET", patientCardsPath(memberID) + "/lookup?hospital=\(hospital.urlQueryEncoded)")
    }

    func bindPatientCard(_ memberID: String, hospital: String, patientID: String) async throws -> SimResponse {
        try await api("POST", patientCardsPath(memberID),
                      .object(["hospitalCode": .string(hospital), "patientId": .string(patientID)]))
    }

    func createPatientCard(_ memberID: String, hospital: String) async throws -> SimResponse {
        try await api("POST", patientCardsPath(memberID), .object(["hospitalCode": .string(hospital), "create": .bool(true)]))
    }

    func unbindPatientCard(_ memberID: String, hospital: String) async throws -> SimResponse {
        try await api("DELETE", patientCardsPath(memberID) + "/\(hospital.urlQueryEncoded)")
    }
}
