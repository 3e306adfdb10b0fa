/// Family member screens. Names, ID numbers and phones are shown exactly as the server
/// returns them: masked.
extension InteractiveSession {
    static let relations = ["spouse", "child", "parent", "other"]

    func familyMenu() async throws {
        while let choice = try Prompt.menu("Family members", ["List", "Add", "Remove", "Set default", "Change relation or phone"]) {
            switch choice {
            case 0: try await listMembers()
            case 1: try await addMember()
            case 2: if let id = try await chooseMember() { show(try await connection.removeMember(id)) }
            case 3: if let id = try await chooseMember() { show(try await connection.setDefaultMember(id)) }
            default: try await updateMember()
            }
        }
    }

    private func listMembers() async throws {
        let response = try await connection.members()
        guard show(response), case .array(let members)? = response.json?.at("members") else { return }
        members.forEach(printMember)
    }

    private func addMember() async throws {
        let name = try Prompt.require("Name")
        let idNumber = try Prompt.require("ID number")
        guard let relation = try Prompt.menu("Relation", Self.relations) else { return }
        let phone = try Prompt.optional("Phone")
        let response = try await connection.addMember(name: name, idNumber: idNumber, relation: Self.relations[relation], phone: phone)
        if show(response), let member = response.json?.at("member") { printMember(member) }
    }

    private func updateMember() async throws {
        guard let id = try await chooseMember() else { return }
        let relation = try Prompt.menu("New relation", Self.relations, back: "Keep").map { Self.relations[$0] }
        let phone = try Prompt.optional("New phone")
        show(try await connection.updateMember(id, relation: relation, phone: phone))
    }

    /// Lists the members and lets the tester pick one; nil when there are none or they go back.
    func chooseMember() async throws -> String? {
        let response = try await connection.members()
        guard show(response), case .array(let members)? = response.json?.at("members"), !members.isEmpty else {
            transcript.note("No family members yet: log in and complete real-name registration first.")
            return nil
        }
        guard let choice = try Prompt.menu("Which member?", members.map(Self.describe)) else { return nil }
        return members[choice].at("id")?.stringValue
    }

    func printMember(_ member: JSONValue) {
        transcript.note(Self.describe(member))
    }

    static func describe(_ member: JSONValue) -> String {
        let field = { (name: String) in member.at(name).flatMap { $0 == .null ? nil : $0.text } ?? "-" }
        let isDefault = member.at("isDefault") == .bool(true) ? ", default" : ""
        return "\(field("name")) (\(field("relation"))\(isDefault)) \(field("idNumber")) \(field("phone")) \(field("id"))"
    }
}
