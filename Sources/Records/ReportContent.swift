/// What a report says, as one JSON document per version, sealed at rest: lab values and exam
/// findings are health data (sensitive personal information under PIPL), and free text such as
/// findings often names the patient. Only what lists and look-ups need stays in clear columns.
public struct ReportContent: Codable, Sendable, Equatable {
    public var department: String?
    /// The specimen of a lab report (血液, 尿液…).
    public var specimen: String?
    public var items: [LabItem]
    public var modality: String?
    public var bodyPart: String?
    /// 所见.
    public var findings: String?
    /// 诊断 / 结论.
    public var impression: String?
    /// SOP instance UIDs of the images the radiologist marked (关键图像): the film shows them first.
    public var keyImages: [String]?
}

/// One lab result line.
public struct LabItem: Codable, Sendable, Equatable {
    public var code: String
    public var name: String
    /// As the LIS wrote it (`6.5`, `<0.5`, `阴性`).
    public var value: String
    /// The value as a number when it is one, for trends.
    public var numeric: Double?
    public var unit: String?
    public var referenceLow: Double?
    public var referenceHigh: Double?
    /// The range as printed (`3.5-9.5`, `阴性`).
    public var referenceRange: String?
    public var flag: LabFlag
}
