import Foundation

/// Appointment screens as the mini-program shows them: pick a hospital, department, doctor, day
/// and segment, then the patient; then the resident's bookings with cancel, check-in and queue.
extension InteractiveSession {
    func browseAndBook() async throws {
        if try Prompt.confirm("Search by name first?", default: false) {
            let text = try Prompt.require("Department or doctor name")
            let found = try await connection.search(text, hospital: nil)
            guard show(found) else { return }
            for doctor in found.json?.at("doctors").flatMap(Self.items) ?? [] {
                transcript.note("doctor \(doctor.at("name")?.text ?? "?") \(doctor.at("title")?.text ?? "") at \(doctor.at("hospitalCode")?.text ?? "?")")
            }
            for department in found.json?.at("departments").flatMap(Self.items) ?? [] {
                transcript.note("department \(department.at("name")?.text ?? "?") (\(department.at("code")?.text ?? "?"))")
            }
        }
        let hospitals = try await connection.hospitals()
        guard show(hospitals), let hospitalList = hospitals.json?.at("hospitals").flatMap(Self.items), !hospitalList.isEmpty,
              let hospital = try Prompt.menu("Hospital", hospitalList.map { "\($0.at("name")?.text ?? "?") (\($0.at("code")?.text ?? "?"))" })
        else { return }
        let departments = try await connection.departments(hospital: hospitalList[hospital].at("code")?.text ?? "")
        guard show(departments) else { return }
        let flat = (departments.json?.at("departments").flatMap(Self.items) ?? []).flatMap { top in
            [("", top)] + (top.at("children").flatMap(Self.items) ?? []).map { ("  ", $0) }
        }
        guard let department = try Prompt.menu("Department", flat.map { "\($0.0)\($0.1.at("name")?.text ?? "?")" }),
              let departmentID = flat[department].1.at("id")?.stringValue else { return }
        let from = try BusinessTime.day(offset: 0)
        let to = try BusinessTime.day(offset: Int(try Prompt.ask("Days ahead to show", default: "7")) ?? 7)
        let resources = try await connection.resources(department: departmentID, from: from, to: to)
        guard show(resources) else { return }
        var sessions: [(String, JSONValue)] = []
        for resource in resources.json?.at("resources").flatMap(Self.items) ?? [] {
            let who = resource.at("doctor.name").flatMap { $0 == .null ? nil : "\($0.text) \(resource.at("doctor.title")?.text ?? "")" }
                ?? resource.at("name")?.text ?? "?"
            for day in resource.at("days").flatMap(Self.items) ?? [] {
                let open = day.at("bookable") == .bool(true) ? "" : " (\(day.at("status")?.text ?? "closed"))"
                sessions.append(("\(who): \(day.at("day")?.text ?? "?") \(day.at("period")?.text ?? "?"), "
                                 + "\(day.at("remaining")?.text ?? "?") left\(open)", day))
            }
        }
        guard !sessions.isEmpty else { return transcript.note("Nothing scheduled in those days.") }
        guard let session = try Prompt.menu("Day and period", sessions.map(\.0)),
              let sessionID = sessions[session].1.at("sessionId")?.stringValue else { return }
        try await chooseSlotAndBook(session: sessionID)
    }

    private func chooseSlotAndBook(session: String) async throws {
        let slots = try await connection.slots(session: session)
        guard show(slots), let list = slots.json?.at("slots").flatMap(Self.items), !list.isEmpty else { return }
        let labels = list.map { slot in
            let closed = slot.at("closedReason").flatMap { $0 == .null ? nil : " — \($0.text)" } ?? ""
            return "\(slot.at("start")?.text ?? "?")–\(slot.at("end")?.text ?? "?") \(slot.at("registrationType")?.text ?? "") "
                + "\(AppointmentText.yuan(slot.at("feeFen"))), \(slot.at("remaining")?.text ?? "?") left\(closed)"
        }
        guard let slot = try Prompt.menu("Time segment", labels), let slotID = list[slot].at("id")?.stringValue,
              let member = try await chooseMember() else { return }
        // One key per tap on "book": repeating it (a flaky network) must not book twice.
        let key = UUID().uuidString.lowercased()
        var response = try await connection.book(member: member, slot: slotID, idempotencyKey: key)
        while true {
            if show(response), let booking = response.json?.at("booking") {
                transcript.note(AppointmentText.booking(booking))
            }
            guard try Prompt.confirm("Send the same request again (same Idempotency-Key)?", default: false) else { return }
            response = try await connection.book(member: member, slot: slotID, idempotencyKey: key)
        }
    }

    func myBookings() async throws {
        let listed = try await connection.bookings(state: nil)
        guard show(listed), let bookings = listed.json?.at("bookings").flatMap(Self.items), !bookings.isEmpty else {
            return transcript.note("No bookings yet.")
        }
        guard let choice = try Prompt.menu("Bookings", bookings.map(AppointmentText.booking)),
              let id = bookings[choice].at("id")?.stringValue else { return }
        while let action = try Prompt.menu("Booking \(id)", ["Show", "Cancel (退号)", "Check in (scan the clinic's code)", "Watch the queue"]) {
            switch action {
            case 0:
                let response = try await connection.booking(id)
                if show(response), let booking = response.json?.at("booking") { transcript.note(AppointmentText.booking(booking)) }
            case 1:
                guard try Prompt.confirm("Cancel this booking?", default: false) else { continue }
                let response = try await connection.cancelBooking(id, reason: try Prompt.optional("Reason"))
                if show(response), let booking = response.json?.at("booking") { transcript.note(AppointmentText.booking(booking)) }
            case 2: try await checkIn(id)
            default: try await watchQueue(id)
            }
        }
    }

    /// The resident scans the code at the door. Without a printed code to hand, the simulator can
    /// fetch the department's code as the hospital (needs the terminal key).
    private func checkIn(_ booking: String) async throws {
        var code = try Prompt.optional("Clinic code text (Enter to fetch it as the hospital)")
        if code == nil {
            let department = try Prompt.require("Department code at the hospital")
            let fetched = try await connection.checkInCode(department: department)
            guard show(fetched) else { return }
            code = fetched.json?.at("code")?.stringValue
        }
        let response = try await connection.checkIn(booking, code: code ?? "")
        if show(response), let queue = response.json?.at("queue") { transcript.note(AppointmentText.queue(queue)) }
    }

    private func watchQueue(_ booking: String) async throws {
        repeat {
            let response = try await connection.queue(booking)
            guard show(response), let queue = response.json?.at("queue") else { return }
            transcript.note(AppointmentText.queue(queue))
        } while try Prompt.confirm("Refresh?")
    }

    static func items(_ value: JSONValue) -> [JSONValue]? {
        if case .array(let items) = value { return items }
        return nil
    }
}
