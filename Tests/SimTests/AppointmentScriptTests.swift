import Foundation
import HuiminCore
@testable import huimin_sim
import Testing

/// The pieces the appointment scripts rest on: filtered JSON paths, the new commands' syntax,
/// schedules built from options, and dates worked out relative to now.
@Suite struct AppointmentScriptTests {
    @Test func filteredPathsPickTheFirstMatchEvenWithDotsInTheValue() throws {
        let outbox = JSONValue.parse(#"""
            {"messages": [{"event": "appointment.booked", "urgent": false},
                          {"event": "appointment.suspended", "urgent": true, "payload": {"refundFen": "5000"}}],
             "departments": [{"code": "NEI", "children": [{"code": "CARD", "name": "心血管内科"}]}]}
            """#)!
        #expect(outbox.at("messages[event=appointment.suspended].urgent") == .bool(true))
        #expect(outbox.at("messages[event=appointment.suspended].payload.refundFen") == .string("5000"))
        #expect(outbox.at("messages[event=queue.near_turn]") == nil)
        #expect(outbox.at("departments[code=NEI].children[code=CARD].name") == .string("心血管内科"))
        // Index forms work as before.
        #expect(outbox.at("messages[1].urgent") == .bool(true))
        #expect(outbox.at("messages.0.event") == .string("appointment.booked"))
        #expect(outbox.at("messages[-1].event") == .string("appointment.suspended"))
        #expect(JSONValue.segments(of: "a[x=1.2].b") == ["a", "x=1.2", "b"])
    }

    @Test func filteredPathsWorkInExpectations() throws {
        let response = SimResponse(method: "GET", path: "/x", status: 200, headers: ["content-type": "application/json"],
                                   body: Array(#"{"messages": [{"event": "queue.near_turn", "payload": {"ahead": "3"}}]}"#.utf8),
                                   milliseconds: 1)
        #expect(try Expectation.parse(#"json messages[event=queue.near_turn].payload.ahead == "3""#)
            .evaluate(response, variables: [:]).passed)
        #expect(try Expectation.parse("json messages[event=appointment.booked] missing").evaluate(response, variables: [:]).passed)
    }

    @Test func appointmentCommandsParse() throws {
        let script = """
            book ${self} ${slot} key=free-1 -> booking
            publish-schedule resource=R-1 day=${day} period=morning segments=2 capacity=5 fee=5000 type=expert
            department-policy RESP {"cancelDeadline": {"daysBefore": 2, "time": "${cutoff}"}}
            next-period after=10 -> visit
            queue-report ${b1} call -> state
            staff-login user=${u} password=${p}
            """
        let statements = try ScriptParser.parse(script, file: "t.sim")
        #expect(statements.map(\.command) == ["book", "publish-schedule", "department-policy", "next-period", "queue-report", "staff-login"])
        #expect(statements[0].arguments == ["${self}", "${slot}"] && statements[0].options == ["key": "free-1"])
        #expect(statements[2].rest.hasPrefix("RESP {"))
        #expect(statements[3].target == "visit")
    }

    @Test(arguments: [
        ("publish-schedule day=2026-01-01", "needs resource"),
        ("book ${m}", "usage: book"),
        ("staff-login user=a", "needs password"),
        ("check-in ${b}", "needs code"),
        ("staff-login user=a password=b -> x", "saves nothing"),
    ])
    func appointmentMisuseIsCaughtBeforeRunning(line: String, message: String) {
        let error = #expect(throws: ScriptError.self) { try ScriptParser.parse(line, file: "t.sim") }
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
    }

    @Test func scheduleOptionsBecomeBackToBackSegments() throws {
        let spec = try ScriptActions.schedule(["resource": "R-1", "day": "2026-03-02", "start": "14:00", "segments": "3",
                                               "minutes": "20", "capacity": "4", "fee": "500", "type": "expert"])
        let session = try spec.session()
        #expect(session.at("period") == .string("afternoon"))
        #expect(session.at("segments.length") == .number(3))
        #expect(session.at("segments[2].start") == .string("14:40"))
        #expect(session.at("segments[2].end") == .string("15:00"))
        #expect(session.at("segments[0].feeFen") == .number(500))
        #expect(session.at("segments[0].reserved") == .number(0))
        #expect(session.at("status") == nil)

        let suspended = try ScriptActions.schedule(["resource": "R-1", "day": "2026-03-02", "status": "suspended", "reason": "出差"]).session()
        #expect(suspended.at("period") == .string("morning") && suspended.at("segments[0].start") == .string("08:00"))
        #expect(suspended.at("suspendReason") == .string("出差"))
    }

    @Test func schedulesThatCannotBeAreRefused() {
        #expect(throws: SimFailure.self) { try ScheduleSpec(resource: "R", day: "2026-03-02", start: "23:30", segments: 2).session() }
        #expect(throws: SimFailure.self) { try ScheduleSpec(resource: "R", day: "2026-03-02", capacity: 2, reserved: 3).session() }
        #expect(throws: SimFailure.self) { try ScheduleSpec(resource: "R", day: "2026-03-02", period: "night").session() }
        #expect(throws: SimFailure.self) { try ScriptActions.schedule(["resource": "R", "day": "2026-03-02", "capacity": "ten"]) }
    }

    /// 2026-03-02 10:00 in Asia/Shanghai is 02:00 UTC.
    private let tenAM = BusinessCalendar.instant(day: "2026-03-02", minutes: 10 * 60)!

    @Test func nextPeriodIsTheSoonestStartFarEnoughAway() {
        #expect(BusinessTime.nextPeriod(after: 10, now: tenAM) == ("2026-03-02", "afternoon", "14:00"))
        #expect(BusinessTime.nextPeriod(after: 10 * 60, now: tenAM) == ("2026-03-03", "morning", "08:00"))
        let late = BusinessCalendar.instant(day: "2026-03-02", minutes: 18 * 60 + 55)!
        #expect(BusinessTime.nextPeriod(after: 10, now: late) == ("2026-03-03", "morning", "08:00"))
        #expect(BusinessTime.nextPeriod(after: 2, now: late) == ("2026-03-02", "evening", "19:00"))
    }

    @Test func nextMinuteLeavesAMarginAndCrossesMidnight() {
        let next = BusinessTime.nextMinute(now: tenAM.addingTimeInterval(30))
        #expect(next.day == "2026-03-02" && next.time == "10:01")
        #expect(BusinessTime.nextMinute(now: tenAM.addingTimeInterval(57)).time == "10:02")
        let nearMidnight = BusinessCalendar.instant(day: "2026-03-02", minutes: 23 * 60 + 59)!.addingTimeInterval(58)
        #expect(BusinessTime.nextMinute(now: nearMidnight) == ("2026-03-03", "00:01", nearMidnight.addingTimeInterval(62)))
    }

    @Test func businessDaysMoveFromTodayOrAGivenDay() throws {
        #expect(try BusinessTime.day(offset: 3, now: tenAM) == "2026-03-05")
        #expect(try BusinessTime.day(offset: -2, from: "2026-03-01") == "2026-02-27")
        #expect(throws: SimFailure.self) { try BusinessTime.day(offset: 1, from: "2026-02-30") }
    }
}
