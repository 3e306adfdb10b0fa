import Appointments
import Database
import Foundation
import HuiminCore
import Hummingbird
import Notices

/// The operator's pages: a department's sessions with places left, suspending (停诊) or handing
/// over (替诊) a session after seeing how many residents it reaches, booking statistics, message
/// records with failures first, and templates with a preview.
struct ConsoleOperationsRoutes {
    let console: ConsoleRoutes
    var services: HuiminServices { console.services }
    var pages: ConsolePages { console.pages }

    func register(on router: RouterGroup<some RequestContext>) {
        router.get("schedules") { request, _ in
            try await operatorPage(request) { signed in try await schedules(request, signed, flash: request.uri.queryParameters.get("flash")) }
        }
        for change in ["suspend", "substitute"] {
            router.get("sessions/:session/\(change)") { request, context in
                try await operatorPage(request) { signed in try await confirmPage(change, context, signed, error: nil) }
            }
            router.post("sessions/:session/\(change)") { request, context in
                try await console.action(request) { signed, form in
                    try ConsoleRole.require(ConsoleRole.mayOperate(signed.staff.role))
                    let id = context.parameters.get("session") ?? ""
                    guard let found = try await services.scheduleStore.staffSession(id: id) else {
                        throw AppError.notFound("session_not_found", "No such clinic session.")
                    }
                    do {
                        if change == "suspend" {
                            _ = try await services.sessions.suspend(sessionID: id, reason: form["reason"] ?? "", actor: .staff(signed.staff.id))
                        } else {
                            _ = try await services.sessions.substitute(sessionID: id, doctorID: form["doctor"] ?? "", reason: form["reason"] ?? "",
                                                                       actor: .staff(signed.staff.id))
                        }
                    } catch let error as AppError where error.status != 403 {
                        return try await confirmPage(change, context, signed, error: error)
                    }
                    let flash = change == "suspend" ? "session_suspended" : "session_substituted"
                    return ConsolePages.redirect("/console/schedules?hospital=\(found.hospitalCode)&day=\(found.day)&flash=\(flash)")
                }
            }
        }
        router.get("bookings") { request, _ in
            try await operatorPage(request) { signed in try await bookingStats(request, signed) }
        }
        router.get("messages") { request, _ in
            try await operatorPage(request) { signed in try await messages(request, signed) }
        }
        router.get("templates") { request, _ in
            try await operatorPage(request) { signed in
                let templates = try await services.templates.list(event: nil, channel: nil)
                return pages.render("templates", title: "模板 Templates", context: [
                    "templates": templates.map { ["event": $0.event, "channel": $0.channel.rawValue, "templateId": $0.templateId ?? "",
                                                  "enabled": $0.enabled, "version": $0.version] },
                ], signed: signed)
            }
        }
        router.get("templates/:event/:channel") { request, context in
            try await operatorPage(request) { signed in try await templatePage(context, signed, draft: nil, flash: request.uri.queryParameters.get("flash"), error: nil) }
        }
        router.post("templates/:event/:channel") { request, context in
            try await console.action(request) { signed, form in
                try ConsoleRole.require(ConsoleRole.mayOperate(signed.staff.role))
                let (event, channel) = (context.parameters.get("event") ?? "", context.parameters.get("channel") ?? "")
                let draft = Self.draft(form)
                guard form["intent"] == "save" else {
                    return try await templatePage(context, signed, draft: draft, flash: nil, error: nil)
                }
                do {
                    guard signed.staff.role == "admin" else {
                        throw AppError.forbidden("role_forbidden", "Only administrators change message templates.")
                    }
                    _ = try await services.templates.save(event: event, channel: channel, draft: draft, actor: .staff(signed.staff.id))
                } catch let error as AppError {
                    return try await templatePage(context, signed, draft: draft, flash: nil, error: error)
                }
                return ConsolePages.redirect("/console/templates/\(event)/\(channel)?flash=template_saved")
            }
        }
    }

    private func operatorPage(_ request: Request, _ body: (ConsoleAuth.SignedIn) async throws -> Response) async throws -> Response {
        try await console.page(request) { signed in
            try ConsoleRole.require(ConsoleRole.mayOperate(signed.staff.role))
            return try await body(signed)
        }
    }

    // MARK: Schedules

    private func schedules(_ request: Request, _ signed: ConsoleAuth.SignedIn, flash: String?) async throws -> Response {
        let query = request.uri.queryParameters
        let hospitals = try await services.scheduleStore.hospitals()
        let hospital = query.get("hospital").flatMap { $0.isEmpty ? nil : $0 } ?? hospitals.first?.code ?? ""
        let day = query.get("day").flatMap { BusinessCalendar.isDay($0) ? $0 : nil } ?? BusinessCalendar.day(of: services.clock.now())
        let departments = try await services.scheduleStore.departments(hospitalCode: hospital)
        let department = query.get("department").flatMap { $0.isEmpty ? nil : $0 }
        let sessions = try await services.scheduleStore.staffSessions(hospitalCode: hospital, day: day, departmentID: department)
        return pages.render("schedules", title: "排班 Schedules", context: [
            "day": day,
            "hospitals": hospitals.map { ["code": $0.code, "name": $0.name, "selected": $0.code == hospital] },
            "departments": departments.map { ["id": $0.id, "name": "\($0.name) \($0.code)", "selected": $0.id == department] },
            "sessions": sessions.map { session -> [String: Any] in [
                "id": session.id, "department": session.departmentName, "resource": session.resourceName,
                "doctor": session.doctorName ?? "—", "substitute": session.substituteName ?? "",
                "period": Self.periods[session.period] ?? session.period, "status": session.status,
                "statusName": session.status == "suspended" ? "已停诊 Suspended" : "出诊 Open", "open": session.status == "open",
                "capacity": session.capacity, "taken": session.taken, "remaining": session.remaining, "booked": session.substitutable,
            ] },
            "hasSessions": !sessions.isEmpty,
        ], signed: signed, flash: flash)
    }

    private func confirmPage(_ change: String, _ context: some RequestContext, _ signed: ConsoleAuth.SignedIn,
                             error: AppError?) async throws -> Response {
        guard let found = try await services.scheduleStore.staffSession(id: context.parameters.get("session") ?? "") else {
            throw AppError.notFound("session_not_found", "No such clinic session.")
        }
        let session = found
        let doctors = change == "substitute" ? try await services.scheduleStore.doctors(hospitalCode: found.hospitalCode) : []
        return pages.render(change == "suspend" ? "suspend-confirm" : "substitute-confirm",
                            title: change == "suspend" ? "停诊 Suspend" : "替诊 Substitute", context: [
            "id": session.id, "day": session.day, "period": Self.periods[session.period] ?? session.period,
            "department": session.departmentName, "resource": session.resourceName, "doctor": session.doctorName ?? "—",
            "hospital": found.hospitalCode, "suspended": session.status == "suspended",
            "affected": change == "suspend" ? session.suspendable : session.substitutable,
            "doctors": doctors.map { ["id": $0.id, "name": "\($0.name) \($0.code)"] },
        ], signed: signed, status: error.map { .init(code: $0.status) } ?? .ok, error: error)
    }

    static let periods = ["morning": "上午 Morning", "afternoon": "下午 Afternoon", "evening": "晚间 Evening"]

    // MARK: Bookings

    private func bookingStats(_ request: Request, _ signed: ConsoleAuth.SignedIn) async throws -> Response {
        let query = request.uri.queryParameters
        let hospitals = try await services.scheduleStore.hospitals()
        let hospital = query.get("hospital").flatMap { $0.isEmpty ? nil : $0 } ?? hospitals.first?.code ?? ""
        let today = BusinessCalendar.day(of: services.clock.now())
        let to = query.get("to").flatMap { BusinessCalendar.isDay($0) ? $0 : nil } ?? today
        let from = query.get("from").flatMap { BusinessCalendar.isDay($0) ? $0 : nil } ?? BusinessCalendar.adding(days: -13, to: to) ?? to
        let by = ["day", "department", "doctor"].contains(query.get("by") ?? "") ? query.get("by")! : "day"
        var context: [String: Any] = [
            "from": from, "to": to,
            "hospitals": hospitals.map { ["code": $0.code, "name": $0.name, "selected": $0.code == hospital] },
            "groupings": [("day", "按日 By day"), ("department", "按科室 By department"), ("doctor", "按医生 By doctor")]
                .map { ["value": $0.0, "name": $0.1, "selected": $0.0 == by] },
        ]
        if !hospital.isEmpty {
            let report = try await services.appointmentStats.report(hospitalCode: hospital, from: from, to: to, by: by)
            context["rows"] = report.rows.map { ["name": $0.name, "booked": $0.booked, "cancelled": $0.cancelled, "noShows": $0.noShows,
                                                 "visited": $0.visited, "rate": String(format: "%.1f%%", $0.visitRate * 100)] }
            context["totals"] = ["booked": report.totals.booked, "cancelled": report.totals.cancelled, "noShows": report.totals.noShows,
                                 "visited": report.totals.visited, "rate": String(format: "%.1f%%", report.totals.visitRate * 100)]
            context["hasRows"] = !report.rows.isEmpty
        }
        return pages.render("booking-stats", title: "预约统计 Bookings", context: context, signed: signed)
    }

    // MARK: Messages

    private func messages(_ request: Request, _ signed: ConsoleAuth.SignedIn) async throws -> Response {
        let query = request.uri.queryParameters
        let event = query.get("event").flatMap { $0.isEmpty ? nil : $0 }
        func search(_ status: String?) async throws -> [MessageRecordStore.Message] {
            try await services.messaging.records.search(MessageRecordService.Filters(
                accountId: nil, personId: nil, memberId: nil, event: event, channel: nil, status: status, from: nil, to: nil,
                cursor: nil, limit: "100"), by: .staff(signed.staff.id)).messages
        }
        // Failures first: what an operator must act on leads the page.
        let failed = try await search("dead") + (try await search("failed"))
        let recent = try await search(nil).filter { !["dead", "failed"].contains($0.status) }
        let today = BusinessCalendar.day(of: services.clock.now())
        let stats = try await services.messaging.statistics.report(from: BusinessCalendar.adding(days: -6, to: today), to: today)
        return pages.render("messages", title: "消息 Messages", context: [
            "event": event ?? "",
            "messages": (failed + recent).map { message -> [String: Any] in [
                "id": message.id, "event": message.event, "status": message.status, "channel": message.channel ?? "—",
                "urgent": message.urgent, "attempts": message.attempts, "fellBack": message.fellBack, "queuedAt": message.queuedAt,
                "sentAt": message.sentAt ?? "", "lastError": message.lastError ?? "", "bad": ["dead", "failed"].contains(message.status),
            ] },
            "hasMessages": !(failed.isEmpty && recent.isEmpty),
            "stats": stats.rows.map { ["day": $0.day, "event": $0.event, "channel": $0.channel, "sent": $0.sent, "delivered": $0.delivered,
                                       "failed": $0.failed, "fellBack": $0.fellBack, "dead": $0.dead, "inboxOnly": $0.inboxOnly] },
            "totals": ["sent": stats.totals.sent, "delivered": stats.totals.delivered, "failed": stats.totals.failed,
                       "fellBack": stats.totals.fellBack, "dead": stats.totals.dead],
        ], signed: signed)
    }

    // MARK: Templates

    /// `keywords` comes as `name=value` lines, the way an operator types them.
    static func draft(_ form: [String: String]) -> TemplateService.Draft {
        var keywords: [String: String] = [:]
        for line in (form["keywords"] ?? "").split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { keywords[parts[0].trimmingCharacters(in: .whitespaces)] = parts[1].trimmingCharacters(in: .whitespaces) }
        }
        func field(_ name: String) -> String? { form[name].flatMap { $0.isEmpty ? nil : $0 } }
        return TemplateService.Draft(templateId: field("templateId"), signName: field("signName"), keywords: keywords, page: field("page"),
                                     url: field("url"), enabled: form["enabled"] != nil, expectedVersion: field("version").flatMap(Int.init))
    }

    private func templatePage(_ context: some RequestContext, _ signed: ConsoleAuth.SignedIn, draft: TemplateService.Draft?,
                              flash: String?, error: AppError?) async throws -> Response {
        let (event, channel) = (context.parameters.get("event") ?? "", context.parameters.get("channel") ?? "")
        let current = try await services.templates.versions(event: event, channel: try TemplateService.channel(channel)).first
        var previewError: AppError?
        var preview: RenderedMessage?
        do {
            preview = try await services.templates.preview(event: event, channel: channel, draft: draft, payload: nil)
        } catch let failure as AppError {
            previewError = failure
        }
        let shown = draft.map { (templateId: $0.templateId, signName: $0.signName, keywords: $0.keywords, page: $0.page, url: $0.url,
                                 enabled: $0.enabled ?? false) }
            ?? current.map { (templateId: $0.templateId, signName: $0.signName, keywords: $0.keywords, page: $0.page, url: $0.url,
                              enabled: $0.enabled) }
        var values: [String: Any] = [
            "event": event, "channel": channel, "version": current.map { String($0.version) } ?? "",
            "templateId": shown?.templateId ?? "", "signName": shown?.signName ?? "", "page": shown?.page ?? "", "url": shown?.url ?? "",
            "enabled": shown?.enabled ?? true,
            "keywords": (shown?.keywords ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\n"),
            "mayEdit": signed.staff.role == "admin",
        ]
        if let preview {
            values["preview"] = ["text": preview.text, "data": preview.data.sorted { $0.key < $1.key }.map { ["name": $0.key, "value": $0.value] }]
        }
        if let previewError { values["previewError"] = ["code": previewError.code, "text": previewError.message] }
        return pages.render("template", title: "模板 \(event)", context: values, signed: signed,
                            status: error.map { .init(code: $0.status) } ?? .ok, flash: flash, error: error)
    }
}
