import Foundation

/// The hospital's side of appointments, through the integration API with the terminal key:
/// what its HIS publishes, what its clinics and queue system report, and a staff look at the
/// notifications queued for a booking.
extension InteractiveSession {
    func clinicMenu() async throws {
        let entries = ["Publish a catalog file", "Publish a session", "Set the booking policy (JSON)", "Suspend a session (停诊)",
                       "Hand a session to another doctor (替诊)", "Show a department's check-in code", "Kiosk check-in",
                       "Paid at the window", "Queue: call / complete / pass", "Staff: notifications queued for a booking"]
        while let choice = try Prompt.menu("Act as the hospital", entries) {
            switch choice {
            case 0: try await publishCatalogFile()
            case 1: try await publishSession()
            case 2:
                guard let policy = JSONValue.parse(try Prompt.require("Policy JSON", default: #"{"horizonDays": 7}"#)) else {
                    transcript.failed("not valid JSON")
                    continue
                }
                show(try await connection.publishPolicy(policy, department: try Prompt.optional("Department code")))
            case 3:
                let (resource, day, period) = try askSession()
                show(try await connection.suspendSession(resource: resource, day: day, period: period, reason: try Prompt.require("Reason")))
            case 4:
                let (resource, day, period) = try askSession()
                show(try await connection.substituteSession(resource: resource, day: day, period: period,
                                                            doctor: try Prompt.require("Doctor code"), reason: try Prompt.require("Reason")))
            case 5:
                let response = try await connection.checkInCode(department: try Prompt.require("Department code"))
                if show(response), let code = response.json?.at("code")?.stringValue {
                    transcript.qrCode(code)
                    transcript.note(code)
                }
            case 6: try await showingQueue(try await connection.kioskCheckIn(try Prompt.require("Booking ID")))
            case 7:
                let booking = try Prompt.require("Booking ID")
                guard let amount = Int64(try Prompt.require("Amount paid (fen)")) else { continue }
                show(try await connection.payAtWindow(booking, tradeNo: "SIM" + String(UUID().uuidString.prefix(8)), amountFen: amount,
                                                      channel: "window"))
            case 8:
                let booking = try Prompt.require("Booking ID")
                guard let action = try Prompt.menu("Queue action", SimConnection.queueActions) else { continue }
                try await showingQueue(try await connection.reportQueue(booking, action: SimConnection.queueActions[action]))
            default: try await staffOutbox()
            }
        }
    }

    private func publishCatalogFile() async throws {
        let file = try Prompt.require("Catalog file", default: "assets/sim/sim-catalog.json")
        guard let text = try? String(contentsOfFile: file, encoding: .utf8), let catalog = JSONValue.parse(text) else {
            return transcript.failed("cannot read JSON from \(file)")
        }
        show(try await connection.publishCatalog(catalog))
    }

    private func publishSession() async throws {
        var spec = ScheduleSpec(resource: try Prompt.require("Resource code"),
                                day: try BusinessTime.day(offset: Int(try Prompt.ask("Days from today", default: "1")) ?? 1))
        guard let period = try Prompt.menu("Period", BusinessTime.periodStarts.map(\.period)) else { return }
        spec.period = BusinessTime.periodStarts[period].period
        spec.segments = Int(try Prompt.ask("Segments", default: "4")) ?? 4
        spec.minutes = Int(try Prompt.ask("Minutes each", default: "30")) ?? 30
        spec.capacity = Int(try Prompt.ask("Places per segment", default: "10")) ?? 10
        spec.feeFen = Int64(try Prompt.ask("Fee (fen)", default: "0")) ?? 0
        spec.registrationType = try Prompt.ask("Registration type (general, expert, special)", default: "general")
        show(try await connection.publishSchedules(try spec.body()))
    }

    private func askSession() throws -> (resource: String, day: String, period: String) {
        let resource = try Prompt.require("Resource code")
        let day = try Prompt.require("Day", default: try BusinessTime.day(offset: 1))
        let period = try Prompt.require("Period (morning, afternoon, evening)", default: "morning")
        return (resource, day, period)
    }

    private func showingQueue(_ response: SimResponse) async throws {
        guard show(response) else { return }
        if let booking = response.json?.at("booking") { transcript.note(AppointmentText.booking(booking)) }
        if let queue = response.json?.at("queue") { transcript.note(AppointmentText.queue(queue)) }
    }

    private func staffOutbox() async throws {
        if connection.staffToken == nil {
            let login = try await connection.staffLogin(username: try Prompt.require("Staff username"), password: try Prompt.require("Password"))
            guard show(login) else { return }
        }
        let response = try await connection.outbox(subject: try Prompt.require("Booking ID"))
        guard show(response) else { return }
        for message in response.json?.at("messages").flatMap(Self.items) ?? [] {
            transcript.note("\(message.at("event")?.text ?? "?")\(message.at("urgent") == .bool(true) ? " (urgent)" : "") "
                            + "\(message.at("payload")?.json ?? "") created \(message.at("createdAt")?.text ?? "?")")
        }
    }
}
