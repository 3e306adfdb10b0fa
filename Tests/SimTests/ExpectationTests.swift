@testable import huimin_sim
import Testing

@Suite struct ExpectationTests {
    private func response(_ status: Int, _ body: String) -> SimResponse {
        SimResponse(method: "GET", path: "/x", status: status, headers: ["content-type": "application/json"],
                    body: Array(body.utf8), milliseconds: 1)
    }

    private func passes(_ line: String, _ response: SimResponse, _ variables: [String: String] = [:]) throws -> Bool {
        try Expectation.parse(line).evaluate(response, variables: variables).passed
    }

    @Test func statusAndErrorCode() throws {
        let refused = response(422, #"{"error": {"code": "sms_code_invalid", "message": "wrong"}}"#)
        #expect(try passes("status 422", refused))
        #expect(try !passes("status 201", refused))
        #expect(try passes("error sms_code_invalid", refused))
        #expect(try !passes("error sms_code_expired", refused))
        #expect(try !passes("error sms_code_invalid", response(200, #"{"error": {"code": "sms_code_invalid"}}"#)))
    }

    @Test func jsonPathsCountsAndComparisons() throws {
        let members = response(200, #"{"members": [{"id": "mem_1", "name": "张*", "isDefault": true}, {"id": "mem_2"}], "ttl": 60}"#)
        #expect(try passes(#"json members[0].name == "张*""#, members))
        #expect(try passes("json members.1.id == mem_2", members))
        #expect(try passes(#"json members[-1].id == "${last}""#, members, ["last": "mem_2"]))
        #expect(try passes("json members.length == 2", members))
        #expect(try !passes("json members.length == 3", members))
        #expect(try passes("json members[0].isDefault == true", members))
        #expect(try passes("json ttl >= 60", members))
        #expect(try !passes("json ttl > 60", members))
        #expect(try passes("json members[0].id matches ^mem_[0-9]+$", members))
        #expect(try passes("json members[1] exists", members))
        #expect(try passes("json members[2] missing", members))
        #expect(try !passes("json members[0] missing", members))
    }

    @Test func failureDetailSaysWhatWasSeen() throws {
        let result = try Expectation.parse(#"json name == "王*""#).evaluate(response(200, #"{"name": "张*"}"#), variables: [:])
        #expect(!result.passed)
        #expect(result.detail.contains(#"got "张*""#))
    }
}
