import Foundation
import HuiminCore
@testable import Reconciliation

enum Fixture {
    static func parse(_ channel: PaymentChannel, _ bytes: [UInt8]) throws -> RecordBatch {
        try ParsedBill.channelBill(channel, bytes).records
    }

    static func input(_ g: GeneratedDay, neighbours: Bool = true) throws -> ReconciliationInput {
        var channelN = try parse(g.channel, g.channelBillPrevious)
        channelN.append(contentsOf: try parse(g.channel, g.channelBillNext))
        var hisN = try HISSettlementFile.parse(g.hisFilePrevious).records
        hisN.append(contentsOf: try HISSettlementFile.parse(g.hisFileNext).records)
        return ReconciliationInput(
            day: g.day, merchant: g.merchant, channel: g.channel, huimin: g.huimin,
            channelBill: try parse(g.channel, g.channelBill), his: try HISSettlementFile.parse(g.hisFile).records,
            neighbours: neighbours ? NeighbourLines(huimin: g.huiminNeighbours, channelBill: channelN, his: hisN) : nil)
    }

    static func found(_ r: ReconciliationResult) -> [ExpectedDifference] {
        r.differences.map { ExpectedDifference(kind: $0.kind, tradeNo: $0.tradeNo, refundNo: $0.refundNo, action: $0.proposedAction,
                                               part: $0.part) }
            .sorted()
    }

    static func crossDayKeys(_ r: ReconciliationResult) -> [String] {
        r.crossDayMatches.map { $0.refundNo ?? $0.tradeNo }.sorted()
    }

    static func code(_ body: () throws -> Void) -> String? {
        do { try body(); return nil } catch let e as AppError { return e.code } catch { return "\(error)" }
    }

    static func message(_ body: () throws -> Void) -> String {
        do { try body(); return "" } catch let e as AppError { return e.message } catch { return "\(error)" }
    }

    static func lines(_ bytes: [UInt8]) -> [String] {
        String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n")
    }

    static func join(_ lines: [String]) -> [UInt8] { Array(lines.joined(separator: "\r\n").utf8) }

    static var smallWeChat: GeneratedDay { try! Generator.day(seed: 7, lines: 40, day: "2026-11-24", channel: .wechat) }
    static var smallAlipay: GeneratedDay { try! Generator.day(seed: 7, lines: 40, day: "2026-11-24", channel: .alipay) }
}
