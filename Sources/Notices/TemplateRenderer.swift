import Foundation
import HuiminCore

/// One `{{name}}` or `{{name|filter}}` in a template's text.
struct Placeholder: Equatable {
    var variable: String
    var filter: String?
}

/// A template text split into literal runs and placeholders.
enum TemplateText {
    enum Piece: Equatable { case literal(String), placeholder(Placeholder) }

    static func parse(_ text: String) throws -> [Piece] {
        var pieces: [Piece] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex { pieces.append(.literal(String(rest[..<open.lowerBound]))) }
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw AppError.rule("template_syntax_invalid", "A '{{' in '\(text)' has no closing '}}'.")
            }
            let inside = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            let parts = inside.split(separator: "|", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard let name = parts.first, !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw AppError.rule("template_syntax_invalid", "'{{\(inside)}}' in '\(text)' does not name a variable.")
            }
            pieces.append(.placeholder(Placeholder(variable: name, filter: parts.count > 1 ? parts[1] : nil)))
            rest = rest[close.upperBound...]
        }
        if rest.contains("}}") {
            throw AppError.rule("template_syntax_invalid", "A '}}' in '\(text)' has no opening '{{'.")
        }
        if !rest.isEmpty { pieces.append(.literal(String(rest))) }
        return pieces
    }

    static func placeholders(_ text: String) throws -> [Placeholder] {
        try parse(text).compactMap { if case .placeholder(let p) = $0 { p } else { nil } }
    }
}

/// Renders a template with an event's payload. A variable the payload lacks is an error that names
/// it, never a blank in a resident's message.
public enum TemplateRenderer {
    public static let filters: Set<String> = ["mask", "raw"]

    public static func render(_ template: MessageTemplate, payload: [String: String]) throws -> RenderedMessage {
        guard let kind = EventCatalog.kind(template.event) else {
            throw AppError.notFound("template_event_unknown", "No event '\(template.event)' in the catalog.")
        }
        var data: [String: String] = [:]
        for (key, text) in template.keywords {
            data[key] = try render(text, kind: kind, payload: payload, field: key)
        }
        let page = try template.page.map { try render($0, kind: kind, payload: payload, field: "page") }
        let url = try template.url.map { try render($0, kind: kind, payload: payload, field: "url") }
        let text: String
        switch template.channel {
        case .inbox: text = [data["title"], data["body"]].compactMap { $0 }.joined(separator: "\n")
        default: text = data.keys.sorted(by: keywordOrder).map { "\($0): \(data[$0]!)" }.joined(separator: "\n")
        }
        return RenderedMessage(event: template.event, channel: template.channel, templateId: template.templateId,
                               signName: template.signName, data: data, page: page, url: url, text: text)
    }

    /// `thing1` before `time2` before `amount10`: by the keyword's number, then by name.
    static func keywordOrder(_ a: String, _ b: String) -> Bool {
        func number(_ s: String) -> Int { Int(String(s.reversed().prefix(while: \.isNumber).reversed())) ?? 0 }
        return (number(a), a) < (number(b), b)
    }

    static func render(_ text: String, kind: EventKind, payload: [String: String], field: String) throws -> String {
        var out = ""
        for piece in try TemplateText.parse(text) {
            switch piece {
            case .literal(let s): out += s
            case .placeholder(let p):
                guard let variable = kind.variable(p.variable) else {
                    throw AppError.rule("template_variable_unknown",
                                        "'\(field)' uses {{\(p.variable)}}, which the event '\(kind.event)' does not have.")
                }
                guard let value = payload[p.variable], !value.isEmpty else {
                    throw AppError.rule("template_variable_missing",
                                        "'\(field)' needs {{\(p.variable)}} (\(variable.meaning)), which this '\(kind.event)' payload lacks.")
                }
                out += try format(value, variable: variable, filter: p.filter, field: field)
            }
        }
        return out
    }

    static func format(_ value: String, variable: EventVariable, filter: String?, field: String) throws -> String {
        switch filter {
        case "raw": return value
        case "mask":
            switch variable.kind {
            case .name: return Masking.name(value)
            case .phone: return Masking.phone(value)
            default:
                throw AppError.rule("template_filter_invalid", "'\(field)' masks {{\(variable.name)}}, which is not a name or phone.")
            }
        case nil: break
        case let other?:
            throw AppError.rule("template_filter_invalid", "'\(field)' uses the filter '\(other)'; filters are mask and raw.")
        }
        switch variable.kind {
        case .text, .day, .name, .phone: return value
        case .fen:
            guard let fen = Int64(value) else {
                throw AppError.rule("template_value_invalid", "{{\(variable.name)}} is '\(value)', not an amount in fen.")
            }
            return yuan(fen)
        case .instant:
            guard let date = ISO8601.date(value) else {
                throw AppError.rule("template_value_invalid", "{{\(variable.name)}} is '\(value)', not an ISO 8601 time.")
            }
            return beijing(date)
        case .period: return ["morning": "上午", "afternoon": "下午", "evening": "晚上"][value] ?? value
        case .businessType:
            return ["registration": "挂号费", "clinic_bill": "门诊缴费", "deposit": "住院预缴金", "scan_to_pay": "扫码付"][value] ?? value
        case .payChannel:
            return ["wechat": "微信支付", "alipay": "支付宝", "unionpay": "云闪付", "insurance": "医保支付"][value] ?? value
        }
    }

    /// `12.50元` from 1250 fen.
    public static func yuan(_ fen: Int64) -> String {
        let sign = fen < 0 ? "-" : ""
        let magnitude = fen.magnitude
        let cents = magnitude % 100
        return "\(sign)\(magnitude / 100).\(cents < 10 ? "0" : "")\(cents)元"
    }

    /// `2026-11-30 08:30`, Beijing wall time.
    public static func beijing(_ date: Date) -> String {
        let minute = BusinessCalendar.minuteOfDay(date)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(BusinessCalendar.day(of: date)) \(two(minute / 60)):\(two(minute % 60))"
    }
}
