/// Script words for clinic bills (门诊缴费), scan-to-pay (扫码付) and deposits (住院预缴金).
extension ScriptCommand {
    static let billing: [ScriptCommand] = [
        .init("his-bill", required: ["patient"], optional: ["hospital", "items"], saves: "bill id",
              summary: "the sandbox HIS issues a bill for its patient (items= JSON array, default 35.50 yuan) and the hospital pushes it to Huimin (needs the terminal key)"),
        .init("withdraw-bill", ["billNo"], saves: "state", summary: "the hospital takes a bill back (paid at the window, voided)"),
        .init("window-pays-bill", ["billNo"], optional: ["hospital"], saves: "state",
              summary: "the patient pays the bill at the hospital's window (sandbox HIS); an online payment after it is refused and refunded"),
        .init("bills", saves: "how many", summary: "list the bills of the account's family"),
        .init("bill", ["bill"], saves: "state", summary: "show one bill with its items"),
        .init("scan-bill", ["code"], saves: "bill id", summary: "read the bill behind a printed QR code (its payCode)"),
        .init("pay-bill", ["bill"], optional: ["channel", "key"], saves: "payment id", summary: "pay a family bill (channel=wechat|alipay)"),
        .init("scan-pay", ["code"], optional: ["channel", "key"], saves: "payment id", summary: "pay the bill behind a QR code, anyone's"),
        .init("admit", required: ["patient", "name"], optional: ["hospital", "deposit"], saves: "admission no",
              summary: "the sandbox HIS admits its patient (住院) with a deposit= in fen"),
        .init("charge", ["admission"], required: ["day"], optional: ["hospital", "items"], saves: "balance left",
              summary: "the sandbox HIS charges the stay for a day (default a bed and a drip)"),
        .init("discharge", ["admission"], optional: ["hospital"], saves: "state", summary: "the sandbox HIS discharges the patient"),
        .init("inpatients", ["member"], saves: "how many", summary: "a family member's hospital stays with their deposit"),
        .init("top-up", ["member", "admission"], required: ["amount"], optional: ["hospital", "channel", "key"], saves: "payment id",
              summary: "top up a stay's deposit by amount= fen"),
        .init("daily-list", ["member", "admission"], required: ["day"], optional: ["hospital"], saves: "day total fen",
              summary: "the stay's itemised charges of a day (日清单)"),
        .init("wait-his", ["payment", "state"], optional: ["seconds"],
              summary: "wait until the payment's posting to the HIS is pending|posted|refused (the sweeper runs every 15 s)"),
    ]
}
