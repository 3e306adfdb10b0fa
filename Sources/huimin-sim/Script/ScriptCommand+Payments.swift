/// Script words for payments: the resident pays through WeChat Pay, the payer confirms in the
/// sandbox's cashier, the order is followed until it settles, and staff set merchants and refund.
extension ScriptCommand {
    static let payments: [ScriptCommand] = [
        .init("wechat-pay", ["booking"], optional: ["key"], saves: "payment id",
              summary: "open (or reopen) the WeChat Pay order for a booking's fee; shows the cashier parameters (key= Idempotency-Key)"),
        .init("payer-pays", ["payment"], saves: "Huimin's answer status to the notification",
              summary: "the payer confirms in WeChat's cashier (sandbox): the order is paid and its notification sent to Huimin"),
        .init("payment", ["payment"], saves: "state", summary: "show one payment order with its refunds"),
        .init("payments", saves: "how many", summary: "list the account's payment orders"),
        .init("wait-payment", ["payment", "state"], optional: ["seconds"],
              summary: "wait until the order reaches a state (the sweepers run every 15 s; default at most 60 s)"),
        .init("merchant", required: ["hospital", "channel", "no"], summary: "staff (admin): set a hospital's merchant number at a channel"),
        .init("refund", ["payment"], required: ["amount", "reason"], saves: "state",
              summary: "staff (cashier): refund amount= fen of a paid order, with the reason the payer sees"),
    ]
}
