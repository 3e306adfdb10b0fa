import Foundation
import HuiminCore
import Testing

@Suite struct IDCardNumberTests {
    private let today = ISO8601.date("2026-11-24T00:00:00.000Z")!

    @Test(arguments: ["11010519491231002X", "370101190102039973", "34052419800101001X"])
    func standardVectorsAreValid(number: String) throws {
        #expect(try IDCardNumber(number, today: today).value == number)
    }

    @Test func lowerCaseXIsAcceptedAndStoredUpperCase() throws {
        #expect(try IDCardNumber("11010519491231002x", today: today).value == "11010519491231002X")
    }

    @Test func birthDateAndSexAreRead() throws {
        let woman = try IDCardNumber("11010519491231002X", today: today)
        #expect(woman.birthDate.year == 1949 && woman.birthDate.month == 12 && woman.birthDate.day == 31)
        #expect(woman.sex == .female)
        let man = try IDCardNumber("370101190102039973", today: today)
        #expect(man.birthDate.year == 1901 && man.birthDate.month == 2 && man.birthDate.day == 3)
        #expect(man.sex == .male)
    }

    @Test func nineteenthCenturyBirthDatesAreStructurallyValid() throws {
        // 440524188001010014 is a §3.4 vector: born 1880, check digit right. GB 11643 allows it.
        let old = try IDCardNumber("440524188001010014", today: today)
        #expect(old.birthDate.year == 1880)
        let error = #expect(throws: AppError.self) { try IDCardNumber(Self.withCheck("44052417990101001"), today: today) }
        #expect(error?.code == "id_number_birth_date")
    }

    @Test(arguments: [
        ("110105194912310021", "id_number_checksum"),
        ("11010519491231002", "id_number_length"),
        ("110105491231002", "id_number_length"),
        ("11010519491231002A", "id_number_format"),
        ("1101051949123100X2", "id_number_format"),
        (withCheck("01010519491231002"), "id_number_region"),
        (withCheck("11010519490230002"), "id_number_birth_date"),
        (withCheck("11010519491331002"), "id_number_birth_date"),
        (withCheck("11010520991231002"), "id_number_birth_date"),
    ])
    func invalidNumbersNameWhatIsWrong(number: String, code: String) {
        let error = #expect(throws: AppError.self) { try IDCardNumber(number, today: today) }
        #expect(error?.code == code)
        #expect(error?.status == 400)
    }

    @Test func maskedFormShowsOnlyTheEnds() throws {
        #expect(try IDCardNumber("11010519491231002X", today: today).masked == "1101**********002X")
    }

    /// Appends the GB 11643 check character so a vector reaches the checks after the checksum.
    private static func withCheck(_ first17: String) -> String {
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(first17.compactMap(\.wholeNumberValue), weights).map(*).reduce(0, +)
        return first17 + String(Array("10X98765432")[sum % 11])
    }
}

@Suite struct PhoneNumberTests {
    @Test(arguments: ["13800138000", "+86 138 0013 8000", "86-138-0013-8000", "(138)0013-8000"])
    func prefixesAndSeparatorsAreNormalised(raw: String) throws {
        #expect(try PhoneNumber(raw).value == "13800138000")
    }

    @Test(arguments: ["12800138000", "1380013800", "238001380001", "+1 212 555 0100", ""])
    func nonMainlandMobileNumbersAreRefused(raw: String) {
        let error = #expect(throws: AppError.self) { try PhoneNumber(raw) }
        #expect(error?.code == "phone_invalid")
    }

    @Test func maskedFormKeepsPrefixAndLastFour() throws {
        #expect(try PhoneNumber("13812345678").masked == "138****5678")
    }
}

@Suite struct MaskingTests {
    @Test func idNumberShape() {
        #expect(Masking.idNumber("450102199001011234") == "4501**********1234")
    }

    @Test func phoneShape() {
        #expect(Masking.phone("13812345678") == "138****5678")
    }

    @Test func nameShapes() {
        #expect(Masking.name("张三") == "张*")
        #expect(Masking.name("李小龙") == "李**")
        #expect(Masking.name("欧阳娜娜") == "欧阳**")
        #expect(Masking.name("张") == "*")
    }

    @Test func shortValuesAreFullyHidden() {
        #expect(Masking.idNumber("1234") == "****")
        #expect(Masking.phone("12345") == "*****")
    }
}

@Suite struct TypedIDTests {
    @Test func idsCarryTheirPrefixAndDoNotRepeat() {
        let ids = (0..<100).map { _ in TypedID.make("res") }
        #expect(ids.allSatisfy { $0.range(of: "^res_[a-z2-7]{20}$", options: .regularExpression) != nil })
        #expect(Set(ids).count == ids.count)
    }

    @Test func base32AndHexRoundTrip() {
        let bytes = randomTestBytes(23)
        #expect(Base32.decode(Base32.encode(bytes)) == bytes)
        #expect(Base32.encode(Array("foobar".utf8)) == "MZXW6YTBOI")
        #expect(Hex.decode(Hex.encode(bytes)) == bytes)
        #expect(Hex.decode("zz") == nil)
    }
}
