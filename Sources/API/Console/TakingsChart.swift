import Foundation
import HuiminCore

/// Takings per channel per day as an SVG bar chart drawn on the server: hospitals run the console
/// with no internet, so no charting library is fetched; the picture is plain markup the page
/// embeds, with a title on every bar for the exact figure.
struct TakingsChart {
    let days: [String]
    let series: [(channel: String, values: [Int64])]
    let unit: (Int64) -> String

    static let colours = ["wechat": "#1aad19", "alipay": "#1677ff", "unionpay": "#d9363e", "insurance": "#f5a623"]
    static let names = ["wechat": "微信 WeChat", "alipay": "支付宝 Alipay", "unionpay": "银联 UnionPay", "insurance": "医保 Insurance"]

    /// Grouped bars: one group per day, one bar per channel.
    func svg(id: String, title: String) -> String {
        let width = 760.0, height = 220.0, left = 64.0, bottom = 36.0, top = 28.0
        let plotWidth = width - left - 12, plotHeight = height - bottom - top
        let maximum = Self.niceCeiling(series.flatMap(\.values).max() ?? 0)
        let groupWidth = plotWidth / Double(max(days.count, 1))
        let barWidth = max(groupWidth * 0.8 / Double(max(series.count, 1)), 1)
        var parts: [String] = []
        parts.append(#"<svg id="\#(id)" class="chart" viewBox="0 0 \#(Int(width)) \#(Int(height))" role="img" xmlns="http://www.w3.org/2000/svg">"#)
        parts.append("<title>\(Self.escape(title))</title>")
        if series.allSatisfy({ $0.values.allSatisfy { $0 == 0 } }) {
            parts.append(#"<text x="\#(width / 2)" y="\#(height / 2)" class="legend" text-anchor="middle">暂无数据 Nothing in these weeks</text></svg>"#)
            return parts.joined()
        }
        for step in 0...4 {
            let value = maximum * Int64(step) / 4
            let y = top + plotHeight - plotHeight * Double(step) / 4
            parts.append(#"<line x1="\#(left)" x2="\#(width - 12)" y1="\#(y)" y2="\#(y)" class="grid"/>"#)
            parts.append(#"<text x="\#(left - 6)" y="\#(y + 4)" class="axis" text-anchor="end">\#(Self.escape(unit(value)))</text>"#)
        }
        for (dayIndex, day) in days.enumerated() {
            let groupX = left + groupWidth * Double(dayIndex) + groupWidth * 0.1
            for (seriesIndex, line) in series.enumerated() {
                let value = line.values[dayIndex]
                guard value > 0 else { continue }
                let barHeight = plotHeight * Double(value) / Double(maximum)
                let x = groupX + barWidth * Double(seriesIndex)
                parts.append(#"<rect x="\#(x)" y="\#(top + plotHeight - barHeight)" width="\#(barWidth)" height="\#(barHeight)" fill="\#(Self.colours[line.channel] ?? "#888")"><title>\#(Self.escape("\(day) \(Self.names[line.channel] ?? line.channel): \(unit(value))"))</title></rect>"#)
            }
            if days.count <= 10 || dayIndex % 7 == days.count % 7 - 1 || dayIndex == days.count - 1 {
                parts.append(#"<text x="\#(groupX + groupWidth * 0.4)" y="\#(height - bottom + 16)" class="axis" text-anchor="middle">\#(day.suffix(5))</text>"#)
            }
        }
        for (index, line) in series.enumerated() {
            let x = left + Double(index) * 130
            parts.append(#"<rect x="\#(x)" y="6" width="12" height="12" fill="\#(Self.colours[line.channel] ?? "#888")"/>"#)
            parts.append(#"<text x="\#(x + 16)" y="16" class="legend">\#(Self.escape(Self.names[line.channel] ?? line.channel))</text>"#)
        }
        parts.append("</svg>")
        return parts.joined()
    }

    /// The axis top: the next 1, 2 or 5 × 10ⁿ, times 4 so the four grid steps are whole numbers.
    static func niceCeiling(_ value: Int64) -> Int64 {
        let quarter = max((value + 3) / 4, 1)
        var magnitude: Int64 = 1
        while magnitude * 10 <= quarter { magnitude *= 10 }
        let step = [1, 2, 5, 10].map { Int64($0) * magnitude }.first { $0 >= quarter } ?? magnitude * 10
        return step * 4
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
