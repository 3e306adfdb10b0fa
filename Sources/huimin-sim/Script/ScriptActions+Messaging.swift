import Foundation

extension ScriptActions {
    func performMessaging(_ statement: ScriptStatement, _ arguments: [String], _ options: [String: String]) async throws -> Outcome? {
        let first = arguments.first ?? ""
        switch statement.command {
        case "inbox":
            return try await inbox(unread: options["unread"] == "true", event: options["event"],
                                   seconds: try Self.integer(options["seconds"] ?? "20", "seconds"))
        case "inbox-unread":
            return saving(try await connection.api("GET", "/api/v1/me/inbox/unread-count"), "unread")
        case "inbox-read":
            let path = first == "all" ? "/api/v1/me/inbox/read-all" : "/api/v1/me/inbox/\(first.urlQueryEncoded)/read"
            return Outcome(response: try await connection.api("POST", path))
        case "consent" where options["user"] != nil:
            // Alipay: the form ID is what the resident's acceptance (or a trade) gave; Alipay knows it too.
            guard let form = options["form"] else { throw SimFailure("consent <templateId> user=<Alipay user> form=<form ID>") }
            let granted = try await connection.sandbox("POST", "/sandbox/alipay/forms", .object([
                "userId": .string(options["user"]!), "formId": .string(form), "count": .number(1),
            ]))
            guard granted.isSuccess else { return Outcome(response: granted) }
            let response = try await connection.api("POST", "/api/v1/me/message-consents", .object([
                "channel": .string("alipay"), "templateId": .string(first), "formId": .string(form),
            ]))
            return Outcome(response: response, value: response.json?.at("consents[templateId=\(first)].remaining")?.text)
        case "consent":
            guard options["openid"] != nil else { throw SimFailure("consent <templateId> openid=<openid> [count=]") }
            let count = try Self.integer(options["count"] ?? "1", "count")
            // WeChat counts the acceptance on its side; the mini-program reports it to Huimin.
            let granted = try await connection.sandbox("POST", "/sandbox/wechat/subscriptions", .object([
                "openid": .string(options["openid"]!), "templateId": .string(first), "count": .number(Double(count)),
            ]))
            guard granted.isSuccess else { return Outcome(response: granted) }
            var response = granted
            for _ in 0..<count {
                response = try await connection.api("POST", "/api/v1/me/message-consents", .object([
                    "channel": .string("wechat_subscribe"), "results": .object([first: .string("accept")]),
                ]))
                guard response.isSuccess else { return Outcome(response: response) }
            }
            let listed = try await connection.api("GET", "/api/v1/me/message-consents")
            return Outcome(response: response, value: listed.json?.at("consents[templateId=\(first)].remaining")?.text)
        case "follow":
            guard ["yes", "no"].contains(arguments[1]) else { throw SimFailure("follow <openid> yes|no") }
            return Outcome(response: try await connection.sandbox("POST", "/sandbox/wechat/followers", .object([
                "openid": .string(first), "following": .bool(arguments[1] == "yes"),
            ])))
        case "wechat-messages":
            return shown(try await connection.sandbox("GET", "/sandbox/wechat/messages?openid=\(first.urlQueryEncoded)"),
                         templateKey: "templateId", template: options["template"])
        case "alipay-messages":
            return shown(try await connection.sandbox("GET", "/sandbox/alipay/messages?userId=\(first.urlQueryEncoded)"),
                         templateKey: "templateId", template: options["template"])
        case "sms-messages":
            return shown(try await connection.sandbox("GET", "/sandbox/sms/messages?phone=\(first.urlQueryEncoded)"),
                         templateKey: "templateCode", template: options["template"])
        case "sms-receipts":
            var fields: [String: JSONValue] = ["errCode": .string(first)]
            if let times = options["times"] { fields["times"] = .number(Double(try Self.integer(times, "times"))) }
            return Outcome(response: try await connection.sandbox("POST", "/sandbox/sms/receipts", .object(fields)))
        case "wechat-tokens":
            guard ["revoke", "expire"].contains(first) else { throw SimFailure("wechat-tokens revoke|expire") }
            return Outcome(response: try await connection.sandbox("POST", "/sandbox/wechat/tokens", .object(["action": .string(first)])))
        case "wait-message":
            return try await waitMessage(first, status: arguments[1], held: options["held"],
                                         seconds: try Self.integer(options["seconds"] ?? "30", "seconds"))
        case "broadcast":
            let parts = try Interpolation.expand(statement.rest, variables).split(separator: " ", maxSplits: 2).map(String.init)
            guard parts.count == 3, let payload = JSONValue.parse(parts[2]) else {
                throw SimFailure("usage: broadcast <event> all|hospital:CODE {json payload}")
            }
            let audience: JSONValue = parts[1] == "all" ? .object(["kind": .string("all")])
                : parts[1].hasPrefix("hospital:") ? .object(["kind": .string("hospital"), "hospitalCode": .string(String(parts[1].dropFirst(9)))])
                : .object(["kind": .string("accounts"), "accountIds": .array(parts[1].split(separator: ",").map { .string(String($0)) })])
            guard let staffToken = connection.staffToken else { throw SimFailure("no staff session: run staff-login first") }
            let body = JSONValue.object(["event": .string(parts[0]), "audience": audience, "payload": payload])
            let response = try await connection.send("POST", "/api/v1/staff/broadcasts", body: body.bytes, to: .server, headers: [
                ("Authorization", "Bearer \(staffToken)"), ("Idempotency-Key", "sim-\(UUID().uuidString.prefix(12))"),
            ])
            return saving(response, "broadcast.id")
        default:
            return nil
        }
    }

    /// Lists what a sandbox vendor accepted, one line each, filtered to one template if asked.
    func shown(_ response: SimResponse, templateKey: String, template: String?) -> Outcome {
        guard response.isSuccess, case .array(let all)? = response.json?.at("messages") else { return Outcome(response: response) }
        let messages = all.filter { template == nil || $0.at(templateKey)?.stringValue == template }
        for message in messages.prefix(10) {
            let fields = message.at("data") ?? message.at("params")
            transcript.note("\(message.at(templateKey)?.text ?? "?") \(fields?.text ?? "")")
        }
        // `expect` then checks only the messages of that template.
        let filtered = SimResponse(method: response.method, path: response.path, status: response.status, headers: response.headers,
                                   body: JSONValue.object(["messages": .array(messages)]).bytes, milliseconds: response.milliseconds)
        return Outcome(response: filtered, value: "\(messages.count)")
    }

    /// The inbox; with `event`, waits for an item of that event (the dispatcher writes it when it
    /// takes the message in) and saves its id.
    private func inbox(unread: Bool, event: String?, seconds: Int) async throws -> Outcome {
        let limit = Date().addingTimeInterval(Double(seconds))
        while true {
            let response = try await connection.api("GET", "/api/v1/me/inbox" + (unread ? "?unread=true" : ""))
            let found = event.flatMap { response.json?.at("items[event=\($0)]") }
            if event == nil || found != nil || Date() > limit || !response.isSuccess {
                if case .array(let items)? = response.json?.at("items") {
                    for item in items.prefix(10) {
                        transcript.note("\(item.at("read") == .bool(true) ? "○" : "●") \(item.at("title")?.text ?? "") — \(item.at("body")?.text ?? "")")
                    }
                }
                return event == nil ? saving(response, "items.length") : Outcome(response: response, value: found?.at("id")?.text)
            }
            try await Task.sleep(for: .milliseconds(300))
        }
    }

    /// Polls the staff view of a message until it reaches `status` (and, with `held`, waits for
    /// that reason), or the time is up.
    private func waitMessage(_ id: String, status: String, held: String?, seconds: Int) async throws -> Outcome {
        let limit = Date().addingTimeInterval(Double(seconds))
        while true {
            let response = try await connection.staff("GET", "/api/v1/staff/messages/\(id.urlQueryEncoded)")
            let now = response.json?.at("message.status")?.stringValue
            let reason = response.json?.at("message.heldReason")?.stringValue
            let wanted = status.split(separator: "|").map(String.init)
            if (now.map(wanted.contains) == true && (held == nil || reason == held)) || Date() > limit {
                if case .array(let attempts)? = response.json?.at("attempts") {
                    for attempt in attempts {
                        transcript.note("attempt \(attempt.at("channel")?.text ?? "?"): \(attempt.at("status")?.text ?? "?")"
                            + (attempt.at("errorCode").map { " \($0.text)" } ?? ""))
                    }
                }
                return saving(response, "message.status")
            }
            try await Task.sleep(for: .milliseconds(300))
        }
    }
}
