@testable import huimin_sim
import Testing

@Suite struct ScriptParserTests {
    @Test func parsesCommandsOptionsTargetsAndSkipsComments() throws {
        let script = """
            # a comment line

            wechat-login openid=o6_test1        # trailing comment
            real-name name="张 三" id=11010519491231002X phone=13800138000 sms=${code} -> self
            request POST /api/v1/family-members {"name": "a # b"}
            expect json member.idNumber == "1101**********002X"
            """
        let statements = try ScriptParser.parse(script, file: "t.sim")
        #expect(statements.map(\.command) == ["wechat-login", "real-name", "request", "expect"])
        #expect(statements.map(\.line) == [3, 4, 5, 6])
        #expect(statements[0].options == ["openid": "o6_test1"])
        #expect(statements[1].options["name"] == "张 三")
        #expect(statements[1].options["sms"] == "${code}")
        #expect(statements[1].target == "self")
        #expect(statements[2].rest == #"POST /api/v1/family-members {"name": "a # b"}"#)
    }

    @Test func reportsTheLineOfAnUnknownCommand() {
        let error = #expect(throws: ScriptError.self) { try ScriptParser.parse("logout\n\nfrobnicate x=1", file: "t.sim") }
        #expect(error?.line == 3)
        #expect(error?.description.hasPrefix("t.sim:3: unknown command") == true)
    }

    @Test(arguments: [
        "add-member name=x relation=child",          // id= missing
        "add-member name=x id=1 relation=child colour=red",
        "logout -> x",                               // logout saves nothing
        "qr",                                        // member missing
        "expect colour blue",
        "expect json a <> 1",
        "real-name name=\"unclosed id=1 phone=1 sms=1",
    ])
    func rejectsMalformedLines(_ line: String) {
        #expect(throws: ScriptError.self) { try ScriptParser.parse(line, file: "t.sim") }
    }

    @Test func lexerKeepsHashesInsideQuotesAndWords() {
        #expect(ScriptLexer.stripComment(#"echo "a # b" c#d # note"#) == #"echo "a # b" c#d"#)
        #expect(ScriptLexer.splitTarget("qr ${m} -> qr") == ("qr ${m}", "qr"))
        #expect(ScriptLexer.splitTarget("echo a->b").target == nil)
    }

    @Test func interpolationRefusesUnsetVariables() throws {
        #expect(try Interpolation.expand("id=${a}-${b}", ["a": "1", "b": "2"]) == "id=1-2")
        #expect(throws: SimFailure.self) { try Interpolation.expand("${missing}", [:]) }
    }
}
