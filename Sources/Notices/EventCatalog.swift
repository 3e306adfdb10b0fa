/// The domain module for resident notices: event -> template -> channel plan.
///
/// ARCHITECTURE.md calls this module `Sources/Messaging/`, but the name `Messaging` is already the
/// channel target (Channels/Messaging: WeChat template/subscribe sends, Alipay messages, SMS
/// receipts), so the domain target is `Notices` at Sources/Notices.
public enum Notices {}

/// How a payload value is written into a message.
public enum VariableKind: String, Codable, Sendable {
    /// Written as it is.
    case text
    /// Integer fen, written as `12.50元`.
    case fen
    /// An ISO 8601 instant, written as Beijing wall time `2026-11-30 08:30`.
    case instant
    /// A business day `YYYY-MM-DD`, written as it is.
    case day
    /// `morning` / `afternoon` / `evening`, written as 上午 / 下午 / 晚上.
    case period
    /// A payment's business type, written as 挂号费 / 门诊缴费 / 住院预缴金 / 扫码付.
    case businessType
    /// A payment channel, written as 微信支付 / 支付宝 / 云闪付 / 医保.
    case payChannel
    /// A person's name: `{{patientName|mask}}` writes `张*`.
    case name
    /// A phone number: `{{phone|mask}}` writes `138****5678`.
    case phone
}

/// Where a variable's value comes from when the dispatcher renders.
public enum VariableSource: String, Codable, Sendable {
    /// The outbox row's payload, written by the domain change.
    case payload
    /// Looked up by the dispatcher when it sends (the recipient's name, the hospital's name): the
    /// outbox carries no personal data.
    case recipient
}

public struct EventVariable: Codable, Sendable, Equatable {
    public var name: String
    public var meaning: String
    public var sample: String
    public var kind: VariableKind
    public var source: VariableSource

    public init(_ name: String, _ meaning: String, sample: String, kind: VariableKind = .text, source: VariableSource = .payload) {
        self.name = name
        self.meaning = meaning
        self.sample = sample
        self.kind = kind
        self.source = source
    }
}

/// One kind of event a resident (or, for alerts, a staff member) is told about.
public struct EventKind: Codable, Sendable, Equatable {
    public var event: String
    public var title: String
    /// Urgent events bypass quiet hours and go to every channel in order until one delivers.
    public var urgent: Bool
    public var variables: [EventVariable]

    public func variable(_ name: String) -> EventVariable? { variables.first { $0.name == name } }

    /// The catalog's sample values, as a payload.
    public var samplePayload: [String: String] {
        Dictionary(uniqueKeysWithValues: variables.map { ($0.name, $0.sample) })
    }
}

/// Every event kind the outbox carries, with the variables its payload (and the dispatcher) gives
/// templates. Keys follow what the stores write (`OutboxMessage.booking`, `PaymentStore.message`…).
public enum EventCatalog {
    public static func kind(_ event: String) -> EventKind? { byName[event] }

    public static let all: [EventKind] = {
        let patient = EventVariable("patientName", "就诊人姓名", sample: "张三", kind: .name, source: .recipient)
        let hospitalName = EventVariable("hospitalName", "医院名称", sample: "惠民市第一人民医院", source: .recipient)
        let hospital = EventVariable("hospitalCode", "医院编码", sample: "H001")
        let booking: [EventVariable] = [
            patient, hospitalName, hospital,
            EventVariable("bookingId", "预约号", sample: "bkg_01JDEMO0000000000000000"),
            EventVariable("memberId", "就诊人编号", sample: "mem_01JDEMO000000000000000"),
            EventVariable("department", "科室", sample: "心内科"),
            EventVariable("resource", "医生或诊室", sample: "李医生"),
            EventVariable("doctor", "医生（有具名医生时）", sample: "李四"),
            EventVariable("day", "就诊日期", sample: "2026-11-30", kind: .day),
            EventVariable("period", "时段", sample: "morning", kind: .period),
            EventVariable("startsAt", "就诊时间", sample: "2026-11-30T00:30:00.000Z", kind: .instant),
            EventVariable("visitNumber", "就诊序号", sample: "12"),
            EventVariable("feeFen", "挂号费（分）", sample: "1250", kind: .fen),
        ]
        let payment: [EventVariable] = [
            patient, hospitalName, hospital,
            EventVariable("tradeNo", "交易单号", sample: "HM2026113000001234"),
            EventVariable("amountFen", "金额（分）", sample: "1250", kind: .fen),
            EventVariable("businessType", "业务类型", sample: "registration", kind: .businessType),
        ]
        let refund = EventVariable("refundFen", "退款金额（分）", sample: "1250", kind: .fen)
        let reason = EventVariable("reason", "原因", sample: "医生临时出诊任务")
        let card = [patient, hospitalName, hospital, EventVariable("cardNo", "就诊卡号（后四位）", sample: "5678")]
        return [
            EventKind(event: "resident.registered", title: "注册/实名成功", urgent: false, variables: [
                patient, EventVariable("registeredAt", "注册时间", sample: "2026-11-24T02:00:00.000Z", kind: .instant),
            ]),
            EventKind(event: "card.bound", title: "就诊卡绑定", urgent: false, variables: card),
            EventKind(event: "card.unbound", title: "就诊卡解绑", urgent: false, variables: card),
            EventKind(event: "appointment.booked", title: "预约成功", urgent: false, variables: booking),
            EventKind(event: "appointment.cancelled", title: "预约取消", urgent: false, variables: booking + [refund]),
            EventKind(event: "appointment.reminder", title: "就诊提醒", urgent: false, variables: booking),
            EventKind(event: "appointment.no_show", title: "爽约记录", urgent: false, variables: booking),
            EventKind(event: "appointment.suspended", title: "停诊通知", urgent: true, variables: booking + [reason, refund]),
            EventKind(event: "appointment.substituted", title: "替诊通知", urgent: true, variables: booking + [
                reason, EventVariable("originalDoctor", "原医生", sample: "王五"),
            ]),
            EventKind(event: "booking.blocked", title: "预约限制", urgent: false, variables: [
                patient, hospitalName, hospital, reason,
                EventVariable("blockId", "限制编号", sample: "blk_01JDEMO000000000000000"),
                EventVariable("memberId", "就诊人编号", sample: "mem_01JDEMO000000000000000"),
                EventVariable("offences", "爽约次数", sample: "3"),
                EventVariable("until", "限制截止日期", sample: "2026-12-24", kind: .day),
                EventVariable("endsAt", "限制截止时间", sample: "2026-12-24T02:00:00.000Z", kind: .instant),
            ]),
            EventKind(event: "booking.unblocked", title: "预约限制解除", urgent: false, variables: [
                patient, hospitalName, hospital,
                EventVariable("blockId", "限制编号", sample: "blk_01JDEMO000000000000000"),
            ]),
            EventKind(event: "payment.due", title: "缴费提醒", urgent: false, variables: [
                patient, hospitalName, hospital,
                EventVariable("billNo", "单据号", sample: "MZ20261130001"),
                EventVariable("department", "科室", sample: "心内科"),
                EventVariable("amountFen", "金额（分）", sample: "8650", kind: .fen),
                EventVariable("billedAt", "开单时间", sample: "2026-11-30T01:15:00.000Z", kind: .instant),
            ]),
            EventKind(event: "payment.paid", title: "缴费成功", urgent: false, variables: payment + [
                EventVariable("channel", "支付方式", sample: "wechat", kind: .payChannel),
            ]),
            EventKind(event: "payment.refunded", title: "退费成功", urgent: false, variables: payment),
            EventKind(event: "report.ready", title: "报告已出", urgent: false, variables: [
                patient, hospitalName, hospital,
                EventVariable("reportId", "报告编号", sample: "rpt_01JDEMO000000000000000"),
                EventVariable("reportName", "报告名称", sample: "血常规"),
                EventVariable("publishedAt", "出具时间", sample: "2026-11-30T06:40:00.000Z", kind: .instant),
            ]),
            EventKind(event: "queue.near_turn", title: "即将叫号", urgent: false, variables: [
                patient, hospitalName, hospital,
                EventVariable("bookingId", "预约号", sample: "bkg_01JDEMO0000000000000000"),
                EventVariable("department", "科室", sample: "心内科"),
                EventVariable("resource", "医生或诊室", sample: "李医生"),
                EventVariable("visitNumber", "就诊序号", sample: "12"),
                EventVariable("ahead", "前面等候人数", sample: "3"),
            ]),
            EventKind(event: "staff.urgent_alert", title: "危急值提醒", urgent: true, variables: [
                patient, hospitalName, hospital,
                EventVariable("alertId", "提醒编号", sample: "alt_01JDEMO000000000000000"),
                EventVariable("category", "类别", sample: "心电危急值"),
                EventVariable("detail", "内容", sample: "室性心动过速"),
                EventVariable("raisedAt", "发生时间", sample: "2026-11-30T03:05:00.000Z", kind: .instant),
                EventVariable("phone", "联系电话", sample: "13800138000", kind: .phone, source: .recipient),
            ]),
            // 群发: what staff broadcast to a group of residents (clinic hours over a holiday, a
            // vaccination drive); the payload is the same for every recipient.
            EventKind(event: "notice.announcement", title: "公告通知", urgent: false, variables: [
                patient,
                EventVariable("title", "公告标题", sample: "春节门诊安排"),
                EventVariable("content", "公告内容", sample: "除夕至初三普通门诊停诊，急诊照常。"),
                EventVariable("publishedAt", "发布时间", sample: "2026-12-01T02:00:00.000Z", kind: .instant),
            ]),
        ]
    }()

    static let byName: [String: EventKind] = Dictionary(uniqueKeysWithValues: all.map { ($0.event, $0) })
}
