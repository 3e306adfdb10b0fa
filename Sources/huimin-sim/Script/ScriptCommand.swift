/// The words a script may use, with what each accepts. The parser checks every line against this
/// table before anything runs, so a typo fails at once instead of halfway through a flow.
struct ScriptCommand: Sendable {
    let name: String
    /// Names of the positional words, for usage text; `min...max` of them are required.
    let positionals: [String]
    let minimumPositionals: Int
    let required: Set<String>
    let optional: Set<String>
    /// What `-> var` saves, or nil if the command saves nothing.
    let saves: String?
    /// Free-text syntax: the line after the command is kept whole in `rest`.
    let freeText: Bool
    let summary: String

    init(_ name: String, _ positionals: [String] = [], minimum: Int? = nil, required: Set<String> = [],
         optional: Set<String> = [], saves: String? = nil, freeText: Bool = false, summary: String) {
        self.name = name
        self.positionals = positionals
        self.minimumPositionals = minimum ?? positionals.count
        self.required = required
        self.optional = optional
        self.saves = saves
        self.freeText = freeText
        self.summary = summary
    }

    var usage: String {
        var parts = [name] + positionals.enumerated().map { $0.offset < minimumPositionals ? "<\($0.element)>" : "[\($0.element)]" }
        parts += required.sorted().map { "\($0)=…" } + optional.sorted().map { "[\($0)=…]" }
        if let saves { parts.append("[-> var: \(saves)]") }
        return parts.joined(separator: " ")
    }

    static let all: [ScriptCommand] = [
        .init("wechat-login", optional: ["openid"], saves: "account id", summary: "log in through WeChat with a sandbox login code"),
        .init("alipay-login", optional: ["user"], saves: "account id", summary: "log in through Alipay with a sandbox auth code"),
        .init("logout", summary: "end the session"),
        .init("me", saves: "self member id", summary: "show the account and its self member"),
        .init("sms-code", required: ["phone"], optional: ["purpose"], saves: "the code", summary: "request an SMS code and read it from the sandbox's SMS inbox"),
        .init("sms-inbox", required: ["phone"], saves: "the code",
              summary: "wait (up to 10 s) for the next sandbox SMS to a phone that this script has not read, e.g. a terminal's code"),
        .init("real-name", required: ["name", "id", "phone", "sms"], saves: "member id", summary: "real-name registration"),
        .init("members", summary: "list family members"),
        .init("add-member", required: ["name", "id", "relation"], optional: ["phone"], saves: "member id", summary: "add a family member (relation: spouse, child, parent, other)"),
        .init("update-member", ["member"], optional: ["relation", "phone"], summary: "change a member's relation or phone"),
        .init("remove-member", ["member"], summary: "remove a family member"),
        .init("default-member", ["member"], summary: "make a member the default"),
        .init("card", ["member"], saves: "card id", summary: "show a member's e-health card"),
        .init("qr", ["member"], saves: "payload", summary: "get a member's dynamic QR code and print it"),
        .init("qr-file", ["member", "file"], summary: "download the QR rendered by the server: .png, .svg or .txt"),
        .init("static-code", ["member"], saves: "payload", summary: "issue the printable static code"),
        .init("revoke-static-code", ["member"], summary: "revoke the static code"),
        .init("patient-cards", ["member"], summary: "list a member's hospital patient cards"),
        .init("patient-lookup", ["member"], required: ["hospital"], saves: "first patient id", summary: "find a member's records at a hospital"),
        .init("patient-bind", ["member"], required: ["hospital", "patient"], saves: "card number", summary: "bind an existing record"),
        .init("patient-create", ["member"], required: ["hospital"], saves: "card number", summary: "open a record at the hospital and bind it"),
        .init("patient-unbind", ["member"], required: ["hospital"], summary: "unbind a hospital's patient card"),
        .init("terminal-verify", ["payload"], optional: ["terminal", "step", "sms"], saves: "card id", summary: "verify a QR payload as a hospital terminal (signed integration call)"),
        .init("tamper", ["payload"], saves: "tampered payload", summary: "change one character of a payload's signature"),
        .init("fault", ["service|clear", "kind"], minimum: 1, optional: ["code", "times"], summary: "make a sandbox vendor fail: fault sms timeout [times=1] [code=…]; fault clear"),
        .init("request", ["METHOD", "path", "json"], minimum: 2, saves: "response body", freeText: true, summary: "any call: request POST /api/v1/... {\"json\": 1} (paths under /sandbox/ go to the sandbox)"),
        .init("save", ["json", "path"], saves: "the value", summary: "save a value of the last response: save json member.id -> m"),
        .init("set", summary: "set variables: set name=value …"),
        .init("default", summary: "set variables not already set (e.g. by run --var): default hospital=H0001"),
        .init("echo", ["text"], freeText: true, summary: "print a line"),
        .init("random-phone", saves: "phone", summary: "a made-up mobile number"),
        .init("random-id", optional: ["born", "sex", "region"], saves: "ID number", summary: "a made-up ID number with a valid check digit (born=YYYY-MM-DD sex=male|female region=110105)"),
        .init("sleep", ["seconds"], summary: "wait"),
    ] + appointments + payments + billing + messaging + ecg + films + [
        .init("expect", ["what"], freeText: true, summary: "check the last response: see `expect` forms"),
    ]

    static func named(_ name: String) -> ScriptCommand? {
        all.first { $0.name == name }
    }
}
