import Foundation
import Synchronization

extension FakeSMS {
    struct Message: Encodable, Sendable {
        let bizId: String
        let phone: String
        let signName: String
        let templateCode: String
        let params: [String: String]
        let outId: String?
        let receivedAt: String
        /// The delivery receipt pushed back (FakeSMSReceipts); nil when receipts are off.
        var receipt: FakeSMSReceipts.Receipt?
        /// When the gateway accepted it (QuerySendDetails reports by day and send time).
        let acceptedAt: Date
        /// How the carrier's report turns out, decided at acceptance: what receipts push and
        /// QuerySendDetails shows once the receipt delay has passed.
        let report: FakeSMSReceipts.Report

        enum CodingKeys: String, CodingKey {
            case bizId, phone, signName, templateCode, params, outId, receivedAt, receipt
        }
    }

    /// Every accepted message, indexed so that a store of 100,000+ stays cheap: by BizId (receipt
    /// updates), by phone (listings, QuerySendDetails) and counted per recipient per template.
    final class Outbox: Sendable {
        private struct State {
            var messages: [Message] = []
            var byBizID: [String: [Int]] = [:]
            var byPhone: [String: [Int]] = [:]
            var tallies = TemplateTallies()
        }

        private let state = Mutex(State())

        func append(_ new: [Message]) {
            state.withLock { s in
                for message in new {
                    s.byBizID[message.bizId, default: []].append(s.messages.count)
                    s.byPhone[message.phone, default: []].append(s.messages.count)
                    s.tallies.add(template: message.templateCode, recipient: message.phone)
                    s.messages.append(message)
                }
            }
        }

        func updateReceipts(bizIDs: some Sequence<String>, _ change: (inout FakeSMSReceipts.Receipt?) -> Void) {
            state.withLock { s in
                for bizID in bizIDs {
                    for index in s.byBizID[bizID] ?? [] { change(&s.messages[index].receipt) }
                }
            }
        }

        /// The newest `limit` messages, to one phone or to anyone.
        func newestFirst(phone: String?, limit: Int) -> [Message] {
            state.withLock { s in
                guard let phone else { return s.messages.suffix(limit).reversed() }
                return (s.byPhone[phone] ?? []).suffix(limit).reversed().map { s.messages[$0] }
            }
        }

        /// Every message to `phone`, oldest first.
        func messages(to phone: String) -> [Message] {
            state.withLock { s in (s.byPhone[phone] ?? []).map { s.messages[$0] } }
        }

        func counts(templateCode: String?, listing limit: Int) -> RecipientTally.Summary {
            state.withLock { $0.tallies.summary(template: templateCode, listing: limit) }
        }
    }
}
