import Foundation
import HuiminCore
import Transport

extension SMSGateway {
    /// The most `QuerySendDetails` returns in one page.
    static let detailsPageSize = 50

    /// Every message the gateway holds for `phone` on one Beijing calendar day (`QuerySendDetails`,
    /// all pages), optionally only the send with `bizID`. After a crash between "about to send"
    /// and "recorded the answer", the dispatcher looks here for its `OutId` before sending again,
    /// since the gateway itself does not de-duplicate.
    /// - Parameter day: any instant of the day; the gateway keeps the last 30 days.
    /// - Throws: `SMSSendError`: transport failures and unreadable answers are retryable; the
    ///   gateway's own refusals map as for `send`.
    public func sendDetails(phone: String, day: Date, bizID: String? = nil) async throws -> [SMSSendDetail] {
        let sendDate = BusinessCalendar.day(of: day).replacingOccurrences(of: "-", with: "")
        var details: [SMSSendDetail] = []
        var page = 1
        while true {
            var parameters = [("PhoneNumber", phone), ("SendDate", sendDate), ("PageSize", "\(Self.detailsPageSize)"),
                              ("CurrentPage", "\(page)")]
            if let bizID { parameters.append(("BizId", bizID)) }
            let answer = try await detailsPage(signedRequest(action: "QuerySendDetails", parameters))
            details += answer.details
            // TotalCount says when to stop; a short or empty page also ends it, so a gateway that
            // miscounts cannot keep us paging forever.
            if details.count >= answer.totalCount || answer.details.count < Self.detailsPageSize { return details }
            page += 1
        }
    }

    private func detailsPage(_ request: OutboundRequest) async throws -> SMSSendDetailsPage {
        let response = try await exchange(request)
        guard let answer = try? response.decode(SMSSendDetailsPage.self) else {
            throw SMSSendError(.upstream("sms_failed", "The SMS gateway answered with HTTP \(response.status)."),
                               retryable: true)
        }
        guard answer.code == "OK" else { throw SMSSendError.gateway(code: answer.code) }
        return answer
    }
}
