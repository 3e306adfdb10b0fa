/// Script words for messages: the resident's inbox and consents, what reached the sandbox's WeChat
/// and SMS sides, vendor switches, a message's record as staff see it, and broadcasts.
extension ScriptCommand {
    static let messaging: [ScriptCommand] = [
        .init("inbox", optional: ["unread", "event", "seconds"], saves: "how many, or the item id with event=",
              summary: "the account's in-app inbox, newest first (unread=true: only unread; event=E waits up to seconds= for an item of that event)"),
        .init("inbox-unread", saves: "unread count", summary: "how many inbox items are unread"),
        .init("inbox-read", ["item|all"], summary: "mark one inbox item (or all) read"),
        .init("consent", ["templateId"], optional: ["openid", "count", "user", "form"], saves: "consents left",
              summary: "the resident accepts a subscribe message in WeChat (openid=, count= times; wx.requestSubscribeMessage) or in Alipay (user=, form=: the form ID Alipay gives), and the mini-program tells Huimin"),
        .init("follow", ["openid", "yes|no"], summary: "the resident follows (or unfollows) the official account (sandbox WeChat)"),
        .init("wechat-messages", ["openid"], optional: ["template"], saves: "how many",
              summary: "what the sandbox WeChat accepted for the openid (template and subscribe messages), newest first"),
        .init("alipay-messages", ["userId"], optional: ["template"], saves: "how many",
              summary: "what the sandbox Alipay accepted for the user (mini-program template messages), newest first"),
        .init("sms-messages", ["phone"], optional: ["template"], saves: "how many", summary: "what the sandbox SMS gateway accepted for the phone, newest first"),
        .init("sms-receipts", ["errCode"], optional: ["times"], summary: "the next SMS delivery receipts say errCode (UNDELIV, MK:0001…; DELIVERED resets)"),
        .init("wechat-tokens", ["revoke|expire"], summary: "the sandbox WeChat revokes (40001) or expires (42001) every access token it issued"),
        .init("wait-message", ["message", "status"], optional: ["seconds", "held"], saves: "status",
              summary: "wait until a message (an outbox or inbox id) reaches status (sent, delivered, failed, dead, inbox_only, pending, or several as sent|delivered; held=retry|quiet_hours|rate_limited for a waiting one); shows it with its attempts (staff)"),
        .init("broadcast", ["event", "audience", "payload"], optional: ["key"], saves: "broadcast id", freeText: true,
              summary: "staff broadcast (群发): broadcast notice.announcement all|hospital:CODE {\"title\": …} (staff)"),
    ]
}
