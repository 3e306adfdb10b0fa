import Foundation
import HTTPTypes
import HuiminCore
import Hummingbird
import HummingbirdTesting
import Testing

/// The staff console as a browser uses it: cookie sign-in with CSRF, role checks, the cashier's
/// day worked through forms, the operator's suspension with the count of residents it reaches.
@Suite struct ConsoleTests {
    typealias F = AppointmentFixture
    typealias P = PaymentFixture

    /// A browser: its console cookie and the CSRF token of the last page.
    struct Browser {
        var cookie = ""
        var csrf = ""

        mutating func get(_ client: any TestClientProtocol, _ path: String) async throws -> (status: Int, html: String, location: String?) {
            let page = try await client.execute(uri: path, method: .get, headers: cookie.isEmpty ? [:] : [.cookie: cookie]) { response in
                (status: Int(response.status.code), html: String(buffer: response.body), location: response.headers[.location])
            }
            if let token = Self.csrf(in: page.html) { csrf = token }
            return page
        }

        mutating func post(_ client: any TestClientProtocol, _ path: String, _ fields: [String: String],
                           csrf override: String? = nil) async throws -> (status: Int, html: String, location: String?) {
            var form = fields
            form["_csrf"] = override ?? csrf
            let body = form.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
            return try await client.execute(uri: path, method: .post,
                                            headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"],
                                            body: ByteBuffer(string: body)) { response in
                (status: Int(response.status.code), html: String(buffer: response.body), location: response.headers[.location])
            }
        }

        static func csrf(in html: String) -> String? {
            html.firstMatch(of: /name="_csrf" value="([0-9a-f]+)"/).map { String($0.1) }
        }

        static func errorCode(_ html: String) -> String? {
            html.firstMatch(of: /class="error" data-code="([a-z_]+)"/).map { String($0.1) }
        }

        /// Signs in through the form; returns the Set-Cookie the console answered with.
        static func signIn(_ client: any TestClientProtocol, _ username: String, password: String = "correct horse battery") async throws
            -> (browser: Browser, status: Int, setCookie: String?, html: String) {
            let (loginCookie, token) = try await client.execute(uri: "/console/login", method: .get) { response in
                (response.headers[.setCookie]?.split(separator: ";").first.map(String.init) ?? "", csrf(in: String(buffer: response.body)) ?? "")
            }
            let body = "_csrf=\(token)&next=%2Fconsole&username=\(username)&password=\(password.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
            return try await client.execute(uri: "/console/login", method: .post,
                                            headers: [.cookie: loginCookie, .contentType: "application/x-www-form-urlencoded"],
                                            body: ByteBuffer(string: body)) { response in
                let setCookie = response.headers[.setCookie]
                var browser = Browser()
                browser.cookie = setCookie?.split(separator: ";").first.map(String.init) ?? ""
                return (browser, Int(response.status.code), setCookie, String(buffer: response.body))
            }
        }
    }

    static func staff(_ h: TestHarness, role: String) async throws -> String {
        let username = "\(role)-\(UUID().uuidString.prefix(6))".lowercased()
        _ = try await h.services.staff.create(username: username, password: "correct horse battery", role: role)
        return username
    }

    @Test("Sign-in sets an HttpOnly SameSite=Strict cookie, wrong passwords lock the account, every form needs its CSRF token, roles decide the pages")
    func signInCSRFAndRoles() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let cashier = try await Self.staff(h, role: "cashier")
                let operatorName = try await Self.staff(h, role: "operator")
                var anonymous = Browser()
                let away = try await anonymous.get(client, "/console/reconciliation")
                #expect(away.status == 303 && away.location?.hasPrefix("/console/login?next=") == true)

                let wrong = try await Browser.signIn(client, cashier, password: "nope")
                #expect(wrong.status == 401 && Browser.errorCode(wrong.html) == "login_failed")
                let forged = try await client.execute(uri: "/console/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                                      body: ByteBuffer(string: "username=\(cashier)&password=correct+horse+battery")) {
                    (Int($0.status.code), String(buffer: $0.body))
                }
                #expect(forged.0 == 403 && Browser.errorCode(forged.1) == "csrf_invalid", "a sign-in form from another site is refused")

                let signed = try await Browser.signIn(client, cashier)
                #expect(signed.status == 303)
                let setCookie = try #require(signed.setCookie)
                #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict") && setCookie.contains("Path=/console"))
                #expect(!setCookie.contains("Secure"), "plain HTTP on loopback: Secure is set only behind TLS")
                var browser = signed.browser
                let home = try await browser.get(client, "/console")
                #expect(home.status == 200 && home.html.contains(#"data-nav="reconciliation""#) && !home.html.contains(#"data-nav="schedules""#))
                let schedules = try await browser.get(client, "/console/schedules")
                #expect(schedules.status == 403 && Browser.errorCode(schedules.html) == "role_forbidden")

                // A form without this session's token does nothing.
                let forgedLogout = try await browser.post(client, "/console/logout", [:], csrf: "00")
                #expect(forgedLogout.status == 403 && Browser.errorCode(forgedLogout.html) == "csrf_invalid")
                #expect(try await browser.get(client, "/console").status == 200, "still signed in")
                let out = try await browser.post(client, "/console/logout", [:])
                #expect(out.status == 303 && out.location == "/console/login?flash=signed_out")
                #expect(try await browser.get(client, "/console").status == 303, "the session ended on the server, not only in the browser")

                var ops = try await Browser.signIn(client, operatorName).browser
                #expect(try await ops.get(client, "/console/reconciliation").status == 403)
                #expect(try await ops.get(client, "/console/schedules").status == 200)

                for _ in 0..<5 { _ = try await Browser.signIn(client, operatorName, password: "wrong") }
                let locked = try await Browser.signIn(client, operatorName)
                #expect(locked.status == 429 && Browser.errorCode(locked.html) == "account_locked")
            }
        }
    }

    @Test("A cashier works a day from the console: files in, the match, each difference resolved with a note, the day closed, the audit trail")
    func aCashierClosesADay() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            let day = "2026-11-30"
            let (clinic, other) = try await ReconciliationTests.twoClinics(h)
            try await h.test { client in
                try await P.merchant(h, client)
                let resident = try await Resident.register(h, client)
                let a = try await ReconciliationTests.paidOrder(h, client, resident, slot: clinic.slotIDs[0])
                _ = try await ReconciliationTests.paidOrder(h, client, resident, slot: other.slotIDs[0], deliver: false)
                let merchant = try #require(try await h.services.paymentStore.allMerchants().first?.id)
                let cashierName = try await Self.staff(h, role: "cashier")
                var browser = try await Browser.signIn(client, cashierName).browser
                let overview = try await browser.get(client, "/console/reconciliation")
                #expect(overview.status == 200 && overview.html.contains(#"<svg id="chart-amounts""#))
                #expect(overview.html.contains("微信 WeChat"), "today's takings by channel")
                let base = "/console/reconciliation/\(day)/\(merchant)"
                #expect(try await browser.get(client, "/console/reconciliation/open?day=\(day)&merchant=\(merchant)").location == base)
                _ = try await browser.get(client, base)

                let his = """
                    his_serial,trade_no,refund_no,kind,amount_fen,settled_at,channel,merchant
                    H1,\(a["tradeNo"] as? String ?? ""),,payment,2400,\(day) 10:05:00,wechat,1900000001
                    TOTAL,1,2400,0
                    """
                let noToken = try await client.execute(uri: "\(base)/files/his", method: .post, headers: [.cookie: browser.cookie],
                                                       body: ByteBuffer(string: his)) { Int($0.status.code) }
                #expect(noToken == 403)
                let uploaded = try await client.execute(uri: "\(base)/files/his", method: .post,
                                                        headers: [.cookie: browser.cookie, .init("X-CSRF-Token")!: browser.csrf],
                                                        body: ByteBuffer(string: his)) { Int($0.status.code) }
                #expect(uploaded == 200)
                // Without the page's script the form posts multipart/form-data and gets the page back.
                let boundary = "----console-form"
                let multipart = "--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(browser.csrf)\r\n"
                    + "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"his.csv\"\r\nContent-Type: text/csv\r\n\r\n"
                    + his + "\r\n--\(boundary)--\r\n"
                let plain = try await client.execute(uri: "\(base)/files/his", method: .post,
                                                     headers: [.cookie: browser.cookie, .contentType: "multipart/form-data; boundary=\(boundary)"],
                                                     body: ByteBuffer(string: multipart)) { (Int($0.status.code), $0.headers[.location]) }
                #expect(plain.0 == 303 && plain.1 == "\(base)?flash=uploaded")

                h.clock.set(F.at(day: "2026-12-01", "10:30"))
                #expect(try await browser.get(client, base).status == 303, "yesterday's session has expired")
                browser = try await Browser.signIn(client, cashierName).browser  // a new shift, a new sign-in
                _ = try await browser.get(client, base)
                let ran = try await browser.post(client, "\(base)/run", [:])
                #expect(ran.status == 303 && ran.location == "\(base)?flash=ran", "\(ran.html.prefix(300))")
                var page = try await browser.get(client, base)
                #expect(page.html.contains(#"data-state="reconciled""#))
                let rows = page.html.matches(of: /class="difference state-open" data-id="([^"]+)" data-kind="([a-z_]+)"/)
                #expect(Set(rows.map { String($0.2) }) == ["amount_mismatch", "channel_only"], "\(rows.count)")
                #expect(page.html.contains("长款"))
                let filtered = try await browser.get(client, "\(base)?kind=channel_only&state=open")
                #expect(filtered.html.components(separatedBy: #"class="difference "#).count - 1 == 1)

                let refused = try await browser.post(client, "\(base)/close", [:])
                #expect(refused.status == 409 && Browser.errorCode(refused.html) == "differences_open")
                let first = String(try #require(rows.first).1)
                let noNote = try await browser.post(client, "\(base)/differences/\(first)/resolve", ["action": "investigate", "note": " "])
                #expect(noNote.status == 400 && Browser.errorCode(noNote.html) == "note_invalid")
                for row in rows {
                    let resolved = try await browser.post(client, "\(base)/differences/\(row.1)/resolve", ["action": "investigate", "note": "已核实 checked"])
                    #expect(resolved.status == 303 && resolved.location == "\(base)?flash=resolved")
                }
                page = try await browser.get(client, "\(base)?flash=resolved")
                #expect(page.html.contains(#"class="flash" data-code="resolved""#) && !page.html.contains("state-open\" data-id"))
                let csv = try await client.execute(uri: "\(base)/differences.csv", method: .get, headers: [.cookie: browser.cookie]) {
                    ($0.headers[.contentType], String(buffer: $0.body))
                }
                #expect(csv.0 == "text/csv; charset=utf-8" && csv.1.contains("已核实 checked"))
                let closed = try await browser.post(client, "\(base)/close", [:])
                #expect(closed.status == 303)
                page = try await browser.get(client, base)
                #expect(page.html.contains(#"data-state="closed""#) && !page.html.contains(#"id="run""#))

                let audit = try await browser.get(client, "/console/audit")
                let resolutions = audit.html.matches(of: /<td>([a-z0-9-]+)<\/td><td class="mono">reconciliation\.resolve<\/td>/)
                #expect(resolutions.count == 2 && resolutions.allSatisfy { String($0.1) == cashierName }, "who resolved what")
                #expect(audit.html.contains("reconciliation.close"))
            }
        }
    }

    @Test("An operator sees the places left, is told how many residents a suspension reaches, suspends, and the notices are queued")
    func anOperatorSuspendsAClinic() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            let clinic = try await F.clinic(h, segments: [.init(start: "08:00", end: "08:30", capacity: 5, feeFen: 0)])
            let other = try await F.clinic(h, department: "WAI", departmentName: "外科",
                                           segments: [.init(start: "09:00", end: "09:30", capacity: 5, feeFen: 0)])
            try await h.test { client in
                let resident = try await Resident.register(h, client)
                let booked = try await resident.book(client, slot: clinic.slotIDs[0])
                #expect(booked.status == 201, "\(booked.body)")
                var browser = try await Browser.signIn(client, try await Self.staff(h, role: "operator")).browser
                let day = F.day
                let list = try await browser.get(client, "/console/schedules?hospital=H0001&day=\(day)")
                #expect(list.html.contains(#"data-id="\#(clinic.sessionID)" data-state="open""#))
                #expect(list.html.contains("<td class=\"num\"><strong>4</strong></td>"), "five places, one taken")
                let confirm = try await browser.get(client, "/console/sessions/\(clinic.sessionID)/suspend")
                #expect(confirm.html.contains(#"<span id="affected" class="big">1</span>"#))
                let suspended = try await browser.post(client, "/console/sessions/\(clinic.sessionID)/suspend", ["reason": "医生临时出诊任务"])
                #expect(suspended.status == 303 && suspended.location == "/console/schedules?hospital=H0001&day=\(day)&flash=session_suspended")
                let after = try await browser.get(client, suspended.location ?? "")
                #expect(after.html.contains(#"data-state="suspended""#) && after.html.contains(#"data-code="session_suspended""#))
                #expect(try await CatalogKit.count(h, "SELECT COUNT(*) FROM outbox WHERE event = 'appointment.suspended'") == 1)
                // Substitution (替诊): the other clinic's booking stays, its patient is told.
                #expect(try await resident.book(client, slot: other.slotIDs[0]).status == 201)
                let substitute = try await browser.get(client, "/console/sessions/\(other.sessionID)/substitute")
                #expect(substitute.html.contains(#"<span id="affected" class="big">1</span>"#))
                let doctor = try #require(substitute.html.firstMatch(of: /<option value="(doc_[a-z0-9]+)">/).map { String($0.1) })
                let noReason = try await browser.post(client, "/console/sessions/\(other.sessionID)/substitute", ["doctor": doctor, "reason": ""])
                #expect(noReason.status >= 400 && Browser.errorCode(noReason.html) != nil, "a reason is required")
                let substituted = try await browser.post(client, "/console/sessions/\(other.sessionID)/substitute",
                                                          ["doctor": doctor, "reason": "原医生外出会诊"])
                #expect(substituted.status == 303 && substituted.location?.hasSuffix("flash=session_substituted") == true,
                        "\(substituted.html.prefix(400))")
                #expect(try await CatalogKit.count(h, "SELECT COUNT(*) FROM outbox WHERE event = 'appointment.substituted'") == 1)
                let messages = try await browser.get(client, "/console/messages")
                #expect(messages.status == 200)
                let template = try await browser.get(client, "/console/templates/appointment.suspended/sms")
                #expect(template.html.contains(#"id="preview""#) && !template.html.contains("name=\"intent\" value=\"save\""),
                        "operators preview; administrators save")
            }
        }
    }
}
