import HuiminCore
@testable import huimin_sim
import Testing

@Suite struct TestDataTests {
    @Test func checkCharacterFollowsGB11643() {
        #expect(IDCardNumber.checkCharacter(for: "11010519491231002") == "X")
        #expect(IDCardNumber.checkCharacter(for: "01010519491231002") == "6")
    }

    @Test func madeUpIDNumbersCarryBirthDateAndSex() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            let female = TestData.idNumber(birthDate: "1949-12-31", female: true, using: &generator)
            #expect(female.count == 18 && female.hasPrefix("11010519491231"))
            #expect(IDCardNumber.checkCharacter(for: String(female.prefix(17))) == female.last)
            #expect(Int(String(Array(female)[16]))! % 2 == 0)
        }
    }

    @Test func tamperingChangesOneSignatureCharacter() {
        let payload = "HM1:AEAQQSDVNFWWS3RNMRSXMBDLGEZDGNBVGY3TQOJQ"
        let tampered = TestData.tampered(payload)
        #expect(tampered.count == payload.count && tampered != payload)
        let differing = zip(tampered, payload).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset)
        #expect(differing == [payload.count - 4])
    }

    @Test func jsonRenderingEscapesAndSortsKeys() {
        let value = JSONValue.fields(["b": .string("say \"hi\"\n"), "a": .number(2), "skip": nil])
        #expect(value.json == #"{"a":2,"b":"say \"hi\"\n"}"#)
        #expect(JSONValue.parse(value.json) == value)
    }
}
