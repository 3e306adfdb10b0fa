/// Script words for payments: the resident pays through WeChat Pay or Alipay, the payer confirms in the
/// sandbox's cashier, the order is followed until it settles, and staff set merchants and refund.
extension ScriptCommand {
    static let payments: [ScriptCommand] = [
        .init("wechat-pay", ["booking"], optional: ["key"], saves: "payment id",
              summary: "open (or reopen) the WeChat Pay order for a booking's fee; shows the cashier parameters (key= Idempotency-Key)"),
        .init("alipay-pay", ["booking"], optional: ["key"], saves: "payment id",
              summary: "open (or reopen) the Alipay order for a booking's fee (an account signed in through Alipay); shows my.tradePay's tradeNO"),
        .init("unionpay-pay", ["booking"], optional: ["key"], saves: "payment id",
              summary: "open (or reopen) the UnionPay order for a booking's fee (any account); shows the control's tn"),
        .init("payer-pays", ["payment"], saves: "Huimin's answer status to the notification",
              summary: "the payer confirms in the order's channel cashier (sandbox WeChat Pay, Alipay or UnionPay): the order is paid and its notification sent to Huimin"),
        .init("payment", ["payment"], saves: "state", summary: "show one payment order with its refunds"),
        .init("payments", saves: "how many", summary: "list the account's payment orders"),
        .init("wait-payment", ["payment", "state"], optional: ["seconds"],
              summary: "wait until the order reaches a state (the sweepers run every 15 s; default at most 60 s)"),
        .init("merchant", required: ["hospital", "channel", "no"], saves: "merchant id",
              summary: "staff (admin): set a hospital's merchant number at a channel"),
        .init("refund", ["payment"], required: ["amount", "reason"], saves: "state",
              summary: "staff (cashier): refund amount= fen of a paid order, with the reason the payer sees"),
        // Reconciliation (对账), as a cashier.
        .init("recon-file", ["day", "merchant", "side", "file"], saves: "lines read",
              summary: "upload the HIS settlement file (side his) or a channel bill (side channel) from a file; ${vars} in it are expanded"),
        .init("recon-channel-bill", ["day", "merchant"], saves: "lines read",
              summary: "download the day's WeChat Pay bill from the (sandbox) merchant platform and upload it as the channel side"),
        .init("recon-fetch", ["day", "merchant", "side"], saves: "lines read",
              summary: "take the day's channel bill (side channel) or the HIS settlement file (side his) through Huimin's adapters"),
        .init("recon-run", ["day", "merchant"], saves: "differences found", summary: "run the day's three-way match"),
        .init("recon-differences", ["day", "merchant"], optional: ["kind", "state"], saves: "how many",
              summary: "list the day's differences (kind=, state=open|resolved|gone)"),
        .init("recon-resolve", ["day", "merchant", "difference"], required: ["action", "note"], saves: "state",
              summary: "resolve a difference: action=repost_to_his|refund|make_up_order|write_off|investigate note=…"),
        .init("recon-close", ["day", "merchant"], saves: "state", summary: "close the day (日结)"),
    ]
}
