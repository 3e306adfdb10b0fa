import Foundation

/// The appointment commands (see `ScriptCommand.appointments`). Nil for a command that is not
/// one of them.
extension ScriptActions {
    func performAppointment(_ statement: ScriptStatement, _ arguments: [String], _ options: [String: String]) async throws -> Outcome? {
        let first = arguments.first ?? ""
        switch statement.command {
        case "hospitals":
            return saving(try await connection.hospitals(), "hospitals[0].code")
        case "departments":
            return departments(try await connection.departments(hospital: first), code: options["code"])
        case "resources":
            return resources(try await connection.resources(department: first, from: options["from"], to: options["to"]), options)
        case "slots":
            return slots(try await connection.slots(session: first), start: options["start"], type: options["type"])
        case "search":
            return saving(try await connection.search(first, hospital: options["hospital"]), "doctors[0].id")
        case "book":
            let key = options["key"] ?? UUID().uuidString.lowercased()
            return showingBooking(try await connection.book(member: first, slot: arguments[1], idempotencyKey: key), save: "id")
        case "bookings":
            let response = try await connection.bookings(state: options["state"])
            if case .array(let items)? = response.json?.at("bookings") { items.forEach { transcript.note(AppointmentText.booking($0)) } }
            return saving(response, "bookings.length")
        case "booking":
            return showingBooking(try await connection.booking(first), save: "state")
        case "cancel":
            return showingBooking(try await connection.cancelBooking(first, reason: options["reason"]), save: "state")
        case "check-in":
            return showingQueue(try await connection.checkIn(first, code: options["code"]!))
        case "queue":
            return showingQueue(try await connection.queue(first))
        default:
            return try await performHospital(statement, arguments, options)
        }
    }

    private func performHospital(_ statement: ScriptStatement, _ arguments: [String], _ options: [String: String]) async throws -> Outcome? {
        let first = arguments.first ?? ""
        switch statement.command {
        case "publish-catalog":
            guard let text = try? String(contentsOfFile: first, encoding: .utf8) else { throw SimFailure("cannot read \(first)") }
            guard let catalog = JSONValue.parse(try Interpolation.expand(text, variables)) else { throw SimFailure("\(first) is not JSON") }
            return saving(try await connection.publishCatalog(catalog), "created")
        case "publish-schedule":
            return saving(try await connection.publishSchedules(try Self.schedule(options).body()), "created")
        case "policy":
            return Outcome(response: try await connection.publishPolicy(try json(statement.rest), department: nil))
        case "department-policy":
            let text = try Interpolation.expand(statement.rest, variables)
            let code = String(text.prefix { !$0.isWhitespace })
            guard let policy = JSONValue.parse(String(text.dropFirst(code.count))) else {
                throw SimFailure("usage: department-policy CODE {json}")
            }
            return Outcome(response: try await connection.publishPolicy(policy, department: code))
        case "suspend":
            return saving(try await connection.suspendSession(resource: options["resource"]!, day: options["day"]!, period: options["period"]!,
                                                              reason: options["reason"]!), "bookingsAffected")
        case "substitute":
            return saving(try await connection.substituteSession(resource: options["resource"]!, day: options["day"]!,
                                                                 period: options["period"]!, doctor: options["doctor"]!,
                                                                 reason: options["reason"]!), "bookingsAffected")
        case "check-in-code":
            return saving(try await connection.checkInCode(department: first), "code")
        case "kiosk-check-in":
            return showingQueue(try await connection.kioskCheckIn(first))
        case "pay":
            guard let amount = Int64(options["amount"]!), amount >= 0 else { throw SimFailure("amount= is fen, a whole number") }
            let trade = options["trade"] ?? "SIM" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(20)
            return showingBooking(try await connection.payAtWindow(first, tradeNo: trade, amountFen: amount,
                                                                   channel: options["channel"] ?? "window"), save: "state")
        case "queue-report":
            guard SimConnection.queueActions.contains(arguments[1]) else { throw SimFailure("queue-report BOOKING call|complete|pass") }
            return showingQueue(try await connection.reportQueue(first, action: arguments[1]), save: "booking.state")
        case "hospital-request":
            return try await hospitalRequest(try Interpolation.expand(statement.rest, variables))
        default:
            return try await performStaffOrTime(statement, arguments, options)
        }
    }

    private func performStaffOrTime(_ statement: ScriptStatement, _ arguments: [String], _ options: [String: String]) async throws -> Outcome? {
        let first = arguments.first ?? ""
        switch statement.command {
        case "staff-login":
            return Outcome(response: try await connection.staffLogin(username: options["user"]!, password: options["password"]!))
        case "outbox":
            let response = try await connection.outbox(subject: first)
            if case .array(let items)? = response.json?.at("messages") {
                for item in items {
                    transcript.note("\(item.at("event")?.text ?? "?")\(item.at("urgent") == .bool(true) ? " (urgent)" : "") "
                                    + "\(item.at("payload")?.json ?? "")")
                }
            }
            return saving(response, "messages.length")
        case "business-day":
            let offset = try Self.integer(options["offset"] ?? "0", "offset")
            return Outcome(value: try BusinessTime.day(offset: offset, from: options["from"]))
        case "next-period":
            let next = BusinessTime.nextPeriod(after: try Self.integer(options["after"] ?? "10", "after"))
            transcript.note("\(next.day) \(next.period) from \(next.start)")
            let extra = statement.target.map { [($0 + "_period", next.period), ($0 + "_start", next.start)] } ?? []
            return Outcome(value: next.day, assignments: extra)
        case "next-minute":
            let next = BusinessTime.nextMinute()
            return Outcome(value: next.time, assignments: statement.target.map { [($0 + "_day", next.day)] } ?? [])
        case "wait-until":
            return try await waitUntil(first, day: options["day"])
        case "blocks":
            return saving(try await connection.staff("GET", "/api/v1/staff/blocks?memberId=\(first.urlQueryEncoded)"), "blocks[0].id")
        case "lift-block":
            return Outcome(response: try await connection.staff("POST", "/api/v1/staff/blocks/\(first.urlQueryEncoded)/lift",
                                                                .object(["note": .string(options["note"] ?? "")])))
        default:
            return nil
        }
    }

    // MARK: Responses shown and saved

    private func departments(_ response: SimResponse, code: String?) -> Outcome {
        guard response.isSuccess, case .array(let top)? = response.json?.at("departments") else { return Outcome(response: response) }
        let all = top.flatMap { department -> [JSONValue] in
            guard case .array(let children)? = department.at("children") else { return [department] }
            return [department] + children
        }
        for department in top {
            transcript.note("\(department.at("code")?.text ?? "?") \(department.at("name")?.text ?? "") \(department.at("id")?.text ?? "")")
            if case .array(let children)? = department.at("children") {
                children.forEach { transcript.note("  \($0.at("code")?.text ?? "?") \($0.at("name")?.text ?? "") \($0.at("id")?.text ?? "")") }
            }
        }
        let chosen = code == nil ? all.first : all.first { $0.at("code")?.text == code }
        return Outcome(response: response, value: chosen?.at("id")?.text)
    }

    /// Saves the first session among the resources (filtered by name) whose day entry matches
    /// day= and period=, preferring one still bookable.
    private func resources(_ response: SimResponse, _ options: [String: String]) -> Outcome {
        guard response.isSuccess, case .array(let resources)? = response.json?.at("resources") else { return Outcome(response: response) }
        var candidates: [JSONValue] = []
        for resource in resources {
            let doctor = resource.at("doctor.name").flatMap { $0 == .null ? nil : " · \($0.text) \(resource.at("doctor.title")?.text ?? "")" } ?? ""
            transcript.note("\(resource.at("name")?.text ?? "?") (\(resource.at("kind")?.text ?? "?"))\(doctor)")
            guard case .array(let days)? = resource.at("days") else { continue }
            for day in days {
                transcript.note("  \(day.at("day")?.text ?? "?") \(day.at("period")?.text ?? "?") \(day.at("status")?.text ?? "?") "
                                + "remaining \(day.at("remaining")?.text ?? "?")\(day.at("bookable") == .bool(true) ? "" : " (not bookable)")")
            }
            guard options["name"].map({ resource.at("name")?.text == $0 }) ?? true else { continue }
            candidates += days.filter { day in
                (options["day"].map { day.at("day")?.text == $0 } ?? true) && (options["period"].map { day.at("period")?.text == $0 } ?? true)
            }
        }
        let chosen = candidates.first { $0.at("bookable") == .bool(true) } ?? candidates.first
        return Outcome(response: response, value: chosen?.at("sessionId")?.text)
    }

    private func slots(_ response: SimResponse, start: String?, type: String?) -> Outcome {
        guard response.isSuccess, case .array(let slots)? = response.json?.at("slots") else { return Outcome(response: response) }
        for slot in slots {
            let closed = slot.at("closedReason").flatMap { $0 == .null ? nil : " closed: \($0.text)" } ?? ""
            transcript.note("\(slot.at("start")?.text ?? "?")–\(slot.at("end")?.text ?? "?") \(slot.at("registrationType")?.text ?? "") "
                            + "\(AppointmentText.yuan(slot.at("feeFen"))) remaining \(slot.at("remaining")?.text ?? "?")\(closed)")
        }
        let matching = slots.filter { slot in
            (start.map { slot.at("start")?.text == $0 } ?? true) && (type.map { slot.at("registrationType")?.text == $0 } ?? true)
        }
        let chosen = start == nil && type == nil ? (slots.first { $0.at("bookable") == .bool(true) } ?? slots.first) : matching.first
        return Outcome(response: response, value: chosen?.at("id")?.text)
    }

    private func showingBooking(_ response: SimResponse, save path: String) -> Outcome {
        guard response.isSuccess, let booking = response.json?.at("booking") else { return Outcome(response: response) }
        transcript.note(AppointmentText.booking(booking))
        return Outcome(response: response, value: booking.at(path)?.text)
    }

    private func showingQueue(_ response: SimResponse, save path: String = "queue.position") -> Outcome {
        guard response.isSuccess, let queue = response.json?.at("queue") else { return Outcome(response: response) }
        transcript.note(AppointmentText.queue(queue))
        return Outcome(response: response, value: response.json?.at(path)?.text)
    }

    // MARK: Helpers

    private func json(_ raw: String) throws -> JSONValue {
        guard let value = JSONValue.parse(try Interpolation.expand(raw, variables)) else { throw SimFailure("not valid JSON: \(raw)") }
        return value
    }

    /// `hospital-request METHOD /path [json]`: any integration call, signed.
    private func hospitalRequest(_ text: String) async throws -> Outcome {
        let parts = text.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true).map(String.init)
        guard parts.count >= 2, parts[1].hasPrefix("/") else { throw SimFailure("usage: hospital-request METHOD /path [json]") }
        var body: JSONValue?
        if parts.count == 3 {
            guard let parsed = JSONValue.parse(parts[2]) else { throw SimFailure("the request body is not valid JSON") }
            body = parsed
        }
        let response = try await connection.integration(parts[0].uppercased(), parts[1], body)
        return Outcome(response: response, value: response.isSuccess ? response.text : nil)
    }

    private func waitUntil(_ time: String, day: String?) async throws -> Outcome {
        let at = try BusinessTime.instant(day: day ?? BusinessTime.day(offset: 0), time: time).addingTimeInterval(1)
        let wait = at.timeIntervalSinceNow
        guard wait <= 600 else { throw SimFailure("\(time) is more than 10 minutes away") }
        if wait > 0 {
            transcript.note("waiting \(Int(wait.rounded(.up))) s")
            try await Task.sleep(for: .milliseconds(Int(wait * 1000)))
        }
        return Outcome()
    }

    static func schedule(_ options: [String: String]) throws(SimFailure) -> ScheduleSpec {
        var spec = ScheduleSpec(resource: options["resource"]!, day: options["day"]!)
        spec.period = options["period"]
        spec.start = options["start"]
        spec.segments = try integer(options["segments"] ?? "1", "segments")
        spec.minutes = try integer(options["minutes"] ?? "30", "minutes")
        spec.capacity = try integer(options["capacity"] ?? "10", "capacity")
        spec.feeFen = Int64(try integer(options["fee"] ?? "0", "fee"))
        spec.registrationType = options["type"] ?? "general"
        spec.reserved = try integer(options["reserved"] ?? "0", "reserved")
        spec.status = options["status"]
        spec.reason = options["reason"]
        return spec
    }

    static func integer(_ text: String, _ name: String) throws(SimFailure) -> Int {
        guard let value = Int(text) else { throw SimFailure("\(name)= takes a whole number") }
        return value
    }
}
