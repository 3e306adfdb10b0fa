import Imaging
import TestSupport
import Testing

extension ImagingTestSuite {
    @Suite("Character sets")
    struct CharacterSetTests {
        private static func patientName(_ file: String) throws -> String? {
            try DICOMFile.read(DICOMSamples.bytes("pydicom/data/charset_files/" + file)).dataSet.string(.patientName)
        }

        @Test("Chinese names: UTF-8 (chrX1) and GB18030 (chrX2)")
        func chinese() throws {
            let utf8 = try DICOMFile.read(DICOMSamples.bytes("pydicom/data/charset_files/chrX1.dcm")).dataSet
            #expect(utf8.characterSet == .utf8)
            #expect(utf8.personName(.patientName)?.ideographic == "王^小東")
            let gb18030 = try DICOMFile.read(DICOMSamples.bytes("pydicom/data/charset_files/chrX2.dcm")).dataSet
            #expect(gb18030.characterSet == .gb18030)
            #expect(gb18030.personName(.patientName)?.alphabetic == "Wang^XiaoDong")
            #expect(gb18030.personName(.patientName)?.ideographic == "王^小东")
            #expect(gb18030.personName(.patientName)?.displayName == "王小东")
        }

        @Test("names in every sample character set decode as pydicom decodes them", arguments: [
            ("chrFren.dcm", "Buc^Jérôme"), ("chrGerm.dcm", "Äneas^Rüdiger"), ("chrGreek.dcm", "Διονυσιος"),
            ("chrRuss.dcm", "Люкceмбypг"), ("chrArab.dcm", "قباني^لنزار"), ("chrHbrw.dcm", "שרון^דבורה"),
            ("chrH31.dcm", "Yamada^Tarou=山田^太郎=やまだ^たろう"), ("chrH32.dcm", "ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう"),
            ("chrI2.dcm", "Hong^Gildong=洪^吉洞=홍^길동"), ("chrKoreanMulti.dcm", "김희중"),
            ("chrJapMulti.dcm", "やまだ^たろう"), ("chrJapMultiExplicitIR6.dcm", "やまだ^たろう"),
        ])
        func samples(file: String, expected: String) throws {
            #expect(try Self.patientName(file) == expected)
        }

        @Test("a sequence item uses its own character set, or inherits its parent's")
        func sequenceItems() throws {
            let japanese = "ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう"
            for file in ["chrSQEncoding.dcm", "chrSQEncoding1.dcm"] {
                let dataSet = try DICOMFile.read(DICOMSamples.bytes("pydicom/data/charset_files/" + file)).dataSet
                let item = dataSet.sequence(Tag(0x0032, 0x1064)).first
                #expect(item?.string(.patientName) == japanese, "\(file)")
                #expect(dataSet.string(Tag(0x0032, 0x1032)) == "Doctor^Who^^MD")
            }
        }

        @Test("GB2312 through ISO 2022 IR 58 escapes, GBK, and multi-valued ISO 2022 IR 100")
        func codeExtensions() {
            // 王^小东 in GB2312 (EUC-CN) bytes, as chrX2 holds them in GB18030.
            let wang: [UInt8] = [0xCD, 0xF5], xiaoDong: [UInt8] = [0xD0, 0xA1, 0xB6, 0xAB]
            let escape: [UInt8] = [0x1B, 0x24, 0x29, 0x41]
            let ir58 = CharacterSet(definedTerms: ["", "ISO 2022 IR 58"])
            #expect(ir58 == .iso(["", "ISO 2022 IR 58"]))
            let value = Array("Wang^XiaoDong=".utf8) + escape + wang + [0x5E] + escape + xiaoDong + Array("=".utf8)
            #expect(ir58.decode(value) == "Wang^XiaoDong=王^小东=")

            let gbk = CharacterSet(definedTerms: ["GBK"])
            #expect(gbk.decode(wang + [0x5E] + xiaoDong) == "王^小东")

            let latin = CharacterSet(definedTerms: ["ISO 2022 IR 100", "ISO 2022 IR 58"])
            #expect(latin.decode([0x4A, 0xE9, 0x5E] + escape + wang) == "Jé^王")
        }

        @Test("unlabelled text: ASCII, then UTF-8, then GB18030; bad bytes become U+FFFD")
        func lenientDecoding() {
            #expect(CharacterSet.default.decode(Array("王^小东".utf8)) == "王^小东")
            #expect(CharacterSet.default.decode([0xCD, 0xF5]) == "王")
            #expect(CharacterSet.gb18030.decode([0x41, 0xFF, 0x42]) == "A\u{FFFD}B")
            #expect(CharacterSet(definedTerms: ["ISO_IR 192"]) == .utf8)
            #expect(CharacterSet(definedTerms: ["ISO_IR 999"]) == .other("ISO_IR 999"))
        }
    }
}
