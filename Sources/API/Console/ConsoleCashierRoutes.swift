import Database
import Foundation
import HuiminCore
import Hummingbird
import Payments
import Reconciliation

/// The cashier's pages: the weeks' takings and reconciled days, and one day and merchant worked
/// through — files in, the three-way match, every difference resolved with a note, the day closed.
struct ConsoleCashierRoutes {
    let console: ConsoleRoutes
    var services: HuiminServices { console.services }
    var pages: ConsolePages { console.pages }

    static let chartDays = 28

    func register(on router: RouterGroup<some RequestContext>) {
        router.get("reconciliation") { request, _ in
            try await console.page(request) { signed in
                try ConsoleRole.require(ConsoleRole.mayReconcile(signed.staff.role))
                return try await overview(signed)
            }
        }
        router.get("his-postings") { request, _ in
            try await console.page(request) { signed in
                try ConsoleRole.require(ConsoleRole.mayReconcile(signed.staff.role))
                return try await hisPostings(request, signed)
            }
        }
        router.get("reconciliation/open") { request, _ in
            try await console.page(request) { signed in
                try ConsoleRole.require(ConsoleRole.mayReconcile(signed.staff.role))
                let query = request.uri.queryParameters
                let day = query.get("day") ?? "", merchant = query.get("merchant") ?? ""
                guard BusinessCalendar.isDay(day), merchant.hasPrefix("mch_") else {
                    throw AppError.invalid("day_invalid", "Choose a business day and a merchant.")
                }
                return ConsolePages.redirect("/console/reconciliation/\(day)/\(merchant)")
            }
        }
        router.get("reconciliation/:day/:merchant") { request, context in
            try await console.page(request) { signed in
                try ConsoleRole.require(ConsoleRole.mayReconcile(signed.staff.role))
                return try await dayPage(request, context, signed, flash: request.uri.queryParameters.get("flash"), error: nil)
            }
        }
        router.get("reconciliation/:day/:merchant/differences.csv") { request, context in
            try await console.page(request) { signed in
                try ConsoleRole.require(ConsoleRole.mayReconcile(signed.staff.role))
                let (day, merchant) = Self.dayAndMerchant(context)
                return Response(status: .ok, headers: [
                    .contentType: "text/csv; charset=utf-8", .cacheControl: "no-store",
                    .contentDisposition: "attachment; filename=\"differences-\(day)-\(merchant).csv\"",
                ], body: .init(byteBuffer: ByteBuffer(bytes: try await services.reconciliation.differencesCSV(day: day, merchantID: merchant))))
            }
        }
        // The page's script sends the file as the body, with the CSRF token in a header, and shows
        // the upload's progress; the answer is JSON for it. Without scripts the form posts
        // multipart/form-data and the answer is the day page again.
        router.post("reconciliation/:day/:merchant/files/:side") { request, context in
            let type = request.headers[.contentType] ?? ""
            if type.lowercased().hasPrefix("multipart/form-data") {
                return try await plainUpload(request, context, type: type)
            }
            guard let signed = await console.auth.signedIn(request) else {
                throw AppError.unauthorized("token_missing", "Sign in again.")
            }
            try ConsoleRole.require(ConsoleRole.mayReconcile(signed.staff.role))
            try console.auth.check(signed, form: [:], request: request)
            let bytes = Array(buffer: try await request.body.collect(upTo: ReconciliationRoutes.fileLimit))
            let (day, merchant) = Self.dayAndMerchant(context)
            return try JSONResponse(try await services.reconciliation.upload(day: day, merchantID: merchant, side: try Self.side(context, bytes),
                                                                             bytes: bytes, actor: .staff(signed.staff.id))).encoded()
        }
        router.post("reconciliation/:day/:merchant/fetch/:side") { request, context in
            try await dayAction(request, context, flash: "fetched") { signed, _, day, merchant in
                guard let side = ReconciliationService.Side(rawValue: context.parameters.get("side") ?? "") else {
                    throw AppError.notFound("file_side_invalid", "Fetch channel or his.")
                }
                _ = try await services.reconciliation.fetch(day: day, merchantID: merchant, side: side, actor: .staff(signed.staff.id))
            }
        }
        router.post("reconciliation/:day/:merchant/run") { request, context in
            try await dayAction(request, context, flash: "ran") { signed, _, day, merchant in
                _ = try await services.reconciliation.run(day: day, merchantID: merchant, actor: .staff(signed.staff.id))
            }
        }
        router.post("reconciliation/:day/:merchant/differences/:difference/resolve") { request, context in
            try await dayAction(request, context, flash: "resolved") { signed, form, day, merchant in
                _ = try await services.reconciliation.resolve(
                    day: day, merchantID: merchant, differenceID: context.parameters.get("difference") ?? "",
                    action: form["action"] ?? "", note: form["note"] ?? "", actor: .staff(signed.staff.id))
            }
        }
        router.post("reconciliation/:day/:merchant/close") { request, context in
            try await dayAction(request, context, flash: "closed") { signed, _, day, merchant in
                _ = try await services.reconciliation.close(day: day, merchantID: merchant, actor: .staff(signed.staff.id))
            }
        }
    }

    static func side(_ context: some RequestContext, _ bytes: [UInt8]) throws -> ReconciliationService.Side {
        guard let side = ReconciliationService.Side(rawValue: context.parameters.get("side") ?? "") else {
            throw AppError.notFound("file_side_invalid", "Upload to files/channel or files/his.")
        }
        guard !bytes.isEmpty else { throw AppError.invalid("file_empty", "The file is empty.") }
        return side
    }

    /// The upload form sent without the page's script: its fields are `_csrf` and `file`.
    private func plainUpload(_ request: Request, _ context: some RequestContext, type: String) async throws -> Response {
        guard let boundary = MultipartRelated.boundary(contentType: type) else {
            throw AppError.invalid("multipart_malformed", "The form has no boundary.")
        }
        var stream = MultipartStream(boundary: boundary)
        var fields: [String: [UInt8]] = [:]
        var current: String?
        var total = 0
        for try await chunk in request.body {
            total += chunk.readableBytes
            guard total <= ReconciliationRoutes.fileLimit else { throw AppError("body_too_large", status: 413, "The file is larger than a day's bill can be.") }
            for event in try stream.feed(chunk.readableBytesView) {
                switch event {
                case .partStart(_, let name): current = name; if let name { fields[name] = [] }
                case .partBytes(let bytes): if let current { fields[current, default: []] += bytes }
                case .partEnd: current = nil
                }
            }
        }
        let form = ["_csrf": String(decoding: fields["_csrf"] ?? [], as: UTF8.self)]
        return try await dayAction(request, context, flash: "uploaded", form: form) { signed, _, day, merchant in
            let bytes = fields["file"] ?? []
            _ = try await services.reconciliation.upload(day: day, merchantID: merchant, side: try Self.side(context, bytes), bytes: bytes,
                                                         actor: .staff(signed.staff.id))
        }
    }

    static func dayAndMerchant(_ context: some RequestContext) -> (String, String) {
        (context.parameters.get("day") ?? "", context.parameters.get("merchant") ?? "")
    }

    /// A form on the day page: done, back to the page with a flash; refused, the page again with
    /// the reason beside what the cashier was doing.
    private func dayAction(_ request: Request, _ context: some RequestContext, flash: String, form parsed: [String: String]? = nil,
                           _ body: (ConsoleAuth.SignedIn, [String: String], String, String) async throws -> Void) async throws -> Response {
        try await console.action(request, form: parsed) { signed, form in
            try ConsoleRole.require(ConsoleRole.mayReconcile(signed.staff.role))
            let (day, merchant) = Self.dayAndMerchant(context)
            do {
                try await body(signed, form, day, merchant)
            } catch let error as AppError where error.status != 403 {
                return try await dayPage(request, context, signed, flash: nil, error: error)
            }
            return ConsolePages.redirect("/console/reconciliation/\(day)/\(merchant)?flash=\(flash)")
        }
    }

    // MARK: Pages

    private func overview(_ signed: ConsoleAuth.SignedIn) async throws -> Response {
        let today = BusinessCalendar.day(of: services.clock.now())
        guard let first = BusinessCalendar.adding(days: -(Self.chartDays - 1), to: today),
              let tomorrow = BusinessCalendar.adding(days: 1, to: today),
              let from = BusinessCalendar.instant(day: first, minutes: 0), let to = BusinessCalendar.instant(day: tomorrow, minutes: 0) else {
            throw AppError.internalError
        }
        let days = (0..<Self.chartDays).compactMap { BusinessCalendar.adding(days: $0, to: first) }
        let takings = try await services.paymentStore.dailyTakings(from: from, to: to)
        let channels = Array(Set(takings.map(\.channel))).sorted()
        func series(_ value: (DailyTakings) -> Int64) -> [(channel: String, values: [Int64])] {
            channels.map { channel in
                (channel, days.map { day in takings.first { $0.day == day && $0.channel == channel }.map(value) ?? 0 })
            }
        }
        let amounts = TakingsChart(days: days, series: series(\.paidFen), unit: { "¥" + Yuan.text($0).replacingOccurrences(of: ".00", with: "") })
        let counts = TakingsChart(days: days, series: series { Int64($0.payments) }, unit: { "\($0)" })
        let refunds = TakingsChart(days: days, series: series(\.refundedFen), unit: { "¥" + Yuan.text($0).replacingOccurrences(of: ".00", with: "") })
        let todayRows = takings.filter { $0.day == today }.map { row -> [String: Any] in [
            "channel": TakingsChart.names[row.channel] ?? row.channel, "payments": row.payments, "paid": Yuan.text(row.paidFen),
            "refunds": row.refunds, "refunded": Yuan.text(row.refundedFen), "net": Yuan.text(row.paidFen - row.refundedFen),
        ] }
        let merchants = try await services.paymentStore.allMerchants()
        let reconciled = try await services.reconciliation.summaries(from: first, to: today).sorted { ($0.day, $0.merchantNo) > ($1.day, $1.merchantNo) }
        return pages.render("reconciliation", title: "对账 Reconciliation", context: [
            "today": today,
            "chartAmounts": amounts.svg(id: "chart-amounts", title: "每日收款金额 Takings per day"),
            "chartCounts": counts.svg(id: "chart-counts", title: "每日笔数 Payments per day"),
            "chartRefunds": refunds.svg(id: "chart-refunds", title: "每日退款 Refunds per day"),
            "todayRows": todayRows, "hasToday": !todayRows.isEmpty,
            "merchants": merchants.map { ["id": $0.id, "label": "\($0.hospitalCode) \(TakingsChart.names[$0.channel] ?? $0.channel) \($0.merchantNo)"] },
            "days": reconciled.map { view -> [String: Any] in [
                "day": view.day, "merchant": view.merchantId, "merchantNo": view.merchantNo,
                "channel": TakingsChart.names[view.channel] ?? view.channel, "state": Self.shownState(view),
                "stateName": Self.stateNames[Self.shownState(view)] ?? view.state, "open": view.openDifferences,
            ] },
        ], signed: signed)
    }

    private func dayPage(_ request: Request, _ context: some RequestContext, _ signed: ConsoleAuth.SignedIn, flash: String?,
                         error: AppError?) async throws -> Response {
        let (day, merchant) = Self.dayAndMerchant(context)
        let view = try await services.reconciliation.view(day: day, merchantID: merchant)
        let query = request.uri.queryParameters
        let kind = query.get("kind").flatMap { $0.isEmpty ? nil : $0 }
        let state = query.get("state").flatMap { $0.isEmpty || $0 == "all" ? nil : $0 }
        let differences = try await services.reconciliation.differences(day: day, merchantID: merchant, kind: kind, state: state)
            .sorted { ($0.state == "open" ? 0 : 1, $0.kind, $0.tradeNo) < ($1.state == "open" ? 0 : 1, $1.kind, $1.tradeNo) }
        var names: [String: String] = [:]
        for id in Set(differences.compactMap(\.resolvedBy)) {
            names[id] = try await services.accessStore.staff(id: id)?.username
        }
        var context: [String: Any] = [
            "day": day, "merchant": merchant, "merchantNo": view.merchantNo, "channel": TakingsChart.names[view.channel] ?? view.channel,
            "state": Self.shownState(view), "stateName": Self.stateNames[Self.shownState(view)] ?? view.state, "closed": view.state == "closed",
            "open": view.openDifferences, "runs": view.runs, "lastRunAt": view.lastRunAt ?? "", "closedAt": view.closedAt ?? "",
            "hasChannelFile": view.channelFileSha256 != nil, "hasHISFile": view.hisFileSha256 != nil,
            "kinds": DifferenceKind.allCases.map { ["value": $0.rawValue, "name": "\($0.chineseName) \($0.rawValue)", "selected": $0.rawValue == kind] },
            "states": ["open", "resolved", "gone", "all"].map { ["value": $0, "name": Self.differenceStates[$0] ?? $0, "selected": $0 == (state ?? "all")] },
            "differences": differences.map { difference -> [String: Any] in [
                "id": difference.id, "kind": difference.kind, "kindName": difference.kindName, "state": difference.state,
                "stateName": Self.differenceStates[difference.state] ?? difference.state, "isOpen": difference.state == "open",
                "tradeNo": difference.tradeNo, "refundNo": difference.refundNo ?? "", "amount": Yuan.text(difference.amountFen),
                "huimin": difference.huiminFen.map(Yuan.text) ?? "—", "channelAmount": difference.channelFen.map(Yuan.text) ?? "—",
                "his": difference.hisFen.map(Yuan.text) ?? "—", "detail": difference.detail,
                "proposed": Self.actionNames[difference.proposedAction] ?? difference.proposedAction,
                "actions": ProposedAction.allCases.map { ["value": $0.rawValue, "name": Self.actionNames[$0.rawValue] ?? $0.rawValue,
                                                          "selected": $0.rawValue == difference.proposedAction] },
                "resolution": difference.resolution.map { Self.actionNames[$0] ?? $0 } ?? "", "note": difference.note ?? "",
                "resolvedBy": difference.resolvedBy.map { names[$0] ?? $0 } ?? "", "resolvedAt": difference.resolvedAt ?? "",
            ] },
            "hasDifferences": !differences.isEmpty,
        ]
        if let summary = view.summary {
            func side(_ name: String, _ totals: SideTotals) -> [String: Any] {
                ["name": name, "payments": totals.payments.count, "paid": Yuan.text(totals.payments.amountFen),
                 "refunds": totals.refunds.count, "refunded": Yuan.text(totals.refunds.amountFen), "fee": Yuan.text(totals.feeFen),
                 "net": Yuan.text(totals.netFen)]
            }
            context["summary"] = [
                "sides": [side("渠道账单 Channel bill", summary.channelBill), side("HIS 结算 HIS", summary.his), side("惠民 Huimin", summary.huimin)],
                "matched": summary.matched, "crossDay": summary.matchedCrossDay, "pending": summary.pending,
                "byKind": summary.differences.map { ["kind": $0.kind.rawValue, "name": $0.kind.chineseName, "count": $0.count,
                                                     "amount": Yuan.text($0.amountFen), "any": $0.count > 0] },
            ]
        }
        return pages.render("reconciliation-day", title: "对账 \(day)", context: context, signed: signed,
                            status: error.map { .init(code: $0.status) } ?? .ok, flash: flash, error: error)
    }

    /// open (not run yet), reconciled (run at least once) or closed (日结).
    static func shownState(_ view: DayView) -> String {
        view.state == "closed" ? "closed" : view.runs > 0 ? "reconciled" : "open"
    }

    static let stateNames = ["open": "未对账 Not reconciled", "reconciled": "已对账 Reconciled", "closed": "已日结 Closed"]
    static let differenceStates = ["open": "待处理 Open", "resolved": "已处理 Resolved", "gone": "已消失 Gone", "all": "全部 All"]
    static let actionNames = [
        "repost_to_his": "补推HIS Repost to HIS", "refund": "退款 Refund", "make_up_order": "补单 Make up the order",
        "write_off": "核销平账 Write off", "investigate": "人工核查 Investigate",
    ]
}
