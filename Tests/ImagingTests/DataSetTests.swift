import Imaging
import Testing

extension ImagingTestSuite {
    @Suite("Data set values")
    struct DataSetTests {
        @Test("binary and text numbers read in the data set's byte order; text is split and trimmed")
        func values() {
            var little = DataSet()
            little.set(DataElement(tag: .rows, vr: .US, value: .bytes([0x00, 0x02])))
            little.set(DataElement(tag: .windowCenter, vr: .DS, value: .bytes(Array("40\\400 ".utf8))))
            little.set(DataElement(tag: .modality, vr: .CS, value: .bytes(Array("CT".utf8))))
            little.set(DataElement(tag: .sopInstanceUID, vr: .UI, value: .bytes(Array("1.2.3\0".utf8))))
            #expect(little.int(.rows) == 512)
            #expect(little.doubles(.windowCenter) == [40, 400])
            #expect(little.string(.modality) == "CT")
            #expect(little.string(.sopInstanceUID) == "1.2.3")

            var big = DataSet(bigEndian: true)
            big.set(DataElement(tag: .rows, vr: .US, value: .bytes([0x02, 0x00])))
            #expect(big.int(.rows) == 512)
        }

        @Test("a person name shows its ideographic group without separators")
        func personName() {
            #expect(PersonName("Wang^XiaoDong=王^小东=").displayName == "王小东")
            #expect(PersonName("Doe^John").displayName == "Doe John")
        }
    }
}
