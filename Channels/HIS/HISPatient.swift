import HuiminCore

/// A patient record (患者档案) in one hospital's HIS. `description` masks the personal fields so
/// the record can be interpolated into a log line without leaking them.
public struct HISPatient: Sendable, Equatable, CustomStringConvertible {
    public let patientID: String
    /// 就诊卡号: the number printed on the hospital's patient card.
    public let cardNumber: String
    public let name: String
    /// "male", "female" or "unknown" (Huimin's words; the wire uses GB/T 2261.1 codes).
    public let sex: String
    /// `YYYY-MM-DD`.
    public let birthDate: String
    public let phone: String

    public init(patientID: String, cardNumber: String, name: String, sex: String, birthDate: String, phone: String) {
        self.patientID = patientID
        self.cardNumber = cardNumber
        self.name = name
        self.sex = sex
        self.birthDate = birthDate
        self.phone = phone
    }

    public var description: String {
        "HISPatient(\(patientID), card \(cardNumber), \(Masking.name(name)), \(Masking.phone(phone)))"
    }
}
