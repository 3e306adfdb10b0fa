/// Script words for appointments: the resident's browse/book/cancel/check-in/queue flows, the
/// hospital's systems (catalog, schedules, policy, suspension, queue calls, window payment),
/// staff checks, and dates relative to today so a script runs on any day against the real clock.
extension ScriptCommand {
    static let appointments: [ScriptCommand] = [
        // Resident: browse.
        .init("hospitals", saves: "first hospital code", summary: "list hospitals and their campuses"),
        .init("departments", ["hospital"], optional: ["code"], saves: "department id (code=… picks one, either level)",
              summary: "a hospital's departments, two levels"),
        .init("resources", ["department"], optional: ["from", "to", "day", "period", "name"], saves: "session id",
              summary: "doctors and other resources with days (from=/to= YYYY-MM-DD); saves the first session matching day=, period=, name="),
        .init("slots", ["session"], optional: ["start", "type"], saves: "slot id",
              summary: "a session's segments with remaining places; saves the first matching start=HH:mm and type=, else the first bookable"),
        .init("search", ["text"], optional: ["hospital"], saves: "first doctor id", summary: "search departments and doctors by name"),
        // Resident: bookings.
        .init("book", ["member", "slot"], optional: ["key"], saves: "booking id",
              summary: "book a segment for a family member; key= is the Idempotency-Key (a fresh one if omitted); shows amount due and lock expiry"),
        .init("bookings", optional: ["state"], saves: "how many", summary: "list the account's bookings (state=live|past)"),
        .init("booking", ["booking"], saves: "state", summary: "show one booking"),
        .init("cancel", ["booking"], optional: ["reason"], saves: "state", summary: "cancel a booking (退号)"),
        .init("check-in", ["booking"], required: ["code"], saves: "queue position",
              summary: "check in by scanning the clinic's code (see check-in-code)"),
        .init("queue", ["booking"], saves: "queue position", summary: "where the patient stands in the queue"),
        // Hospital systems (signed integration calls).
        .init("publish-catalog", ["file"], saves: "created count",
              summary: "PUT the catalog JSON in a file (path from the working directory; ${vars} expanded)"),
        .init("publish-schedule", required: ["resource", "day"],
              optional: ["period", "start", "segments", "minutes", "capacity", "fee", "type", "reserved", "status", "reason"],
              saves: "created count",
              summary: "publish one session: segments= back-to-back segments of minutes= from start= (default 1 × 30 min, capacity=10 fee=0 type=general reserved=0; status=suspended reason=… suspends)"),
        .init("policy", ["json"], freeText: true, summary: "set the hospital's booking policy (partial JSON merges)"),
        .init("department-policy", ["department", "json"], freeText: true, summary: "set a department's policy override: department-policy CODE {…}"),
        .init("suspend", required: ["resource", "day", "period", "reason"], saves: "bookings cancelled", summary: "停诊: suspend a session"),
        .init("substitute", required: ["resource", "day", "period", "doctor", "reason"], saves: "bookings affected",
              summary: "替诊: another doctor (doctor=CODE) takes the session"),
        .init("check-in-code", ["department"], saves: "the code text", summary: "the QR text printed at a department's door (by department code)"),
        .init("kiosk-check-in", ["booking"], saves: "queue position", summary: "a self-service kiosk checks a booking in"),
        .init("pay", ["booking"], required: ["amount"], optional: ["trade", "channel"], saves: "state",
              summary: "the fee is paid at the window: amount= in fen (trade= a fresh one if omitted, channel=window)"),
        .init("queue-report", ["booking", "call|complete|pass"], saves: "state", summary: "the hospital's queue system calls, completes or passes a patient"),
        .init("hospital-request", ["METHOD", "path", "json"], minimum: 2, saves: "response body", freeText: true,
              summary: "any signed integration call: hospital-request PUT /integration/v1/... {…}"),
        // Staff.
        .init("staff-login", required: ["user", "password"], summary: "log in as staff (for staff checks such as outbox)"),
        .init("outbox", ["subject"], saves: "how many", summary: "the notifications queued about a subject (a booking ID)"),
        // Time, in Asia/Shanghai.
        .init("business-day", optional: ["offset", "from"], saves: "YYYY-MM-DD", summary: "today (or from=) moved by offset= days"),
        .init("next-period", optional: ["after"], saves: "its day; also sets NAME_period and NAME_start",
              summary: "the next session start (08:00, 14:00, 19:00) at least after= minutes away (default 10)"),
        .init("next-minute", saves: "HH:mm; also sets NAME_day", summary: "the next whole minute at least 5 s away, for a deadline to wait out"),
        .init("wait-until", ["HH:mm"], optional: ["day"], summary: "wait until that time (Asia/Shanghai) has passed; at most 10 minutes"),
        .init("blocks", ["member"], saves: "the first block's id",
              summary: "a family member's booking blocks (爽约限制) as staff read them (audited)"),
        .init("lift-block", ["block"], required: ["note"], summary: "staff lift a block on appeal, with a note (audited)"),
    ]
}
