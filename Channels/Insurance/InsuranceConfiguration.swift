import Foundation
import HuiminCore

/// Who Huimin is to the medical-insurance centre (医保移动支付 on the national medical-insurance
/// information platform): the designated medical institution (定点医药机构, `fixmedins_code` /
/// `fixmedins_name`), the area it is in (`mdtrtarea_admvs`), the system it calls
/// (`recer_sys_code`), the operator every envelope names, and the SM2 key pair that signs
/// requests plus the centre's SM2 public key that verifies answers.
public struct InsuranceConfiguration: Sendable {
    /// `https://…` of the centre's gateway, or the sandbox's `http://127.0.0.1:8090/insurance`.
    public var baseURL: String
    /// 定点医药机构编号 (12 characters, e.g. `H45010200001`); a request may name another campus.
    public var hospitalCode: String
    public var hospitalName: String
    /// 就医地医保区划 (6 digits). Residents insured here also get it as 参保地医保区划.
    public var areaCode: String
    /// 接收方系统代码.
    public var receiverSystemCode: String
    /// 接口版本号.
    public var interfaceVersion: String
    /// 经办人 and 经办人姓名: for the mobile channel the terminal's code and name (经办人类别 3).
    public var operatorID: String
    public var operatorName: String
    public var privateKey: SM2PrivateKey
    public var centrePublicKey: SM2PublicKey

    public init(baseURL: String, hospitalCode: String, hospitalName: String, areaCode: String,
                receiverSystemCode: String = Sandbox.receiverSystemCode, interfaceVersion: String = "V1.0",
                operatorID: String = "HUIMIN-MINIAPP", operatorName: String = "惠民小程序",
                privateKey: SM2PrivateKey, centrePublicKey: SM2PublicKey) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.hospitalCode = hospitalCode
        self.hospitalName = hospitalName
        self.areaCode = areaCode
        self.receiverSystemCode = receiverSystemCode
        self.interfaceVersion = interfaceVersion
        self.operatorID = operatorID
        self.operatorName = operatorName
        self.privateKey = privateKey
        self.centrePublicKey = centrePublicKey
    }

    /// What the sandbox insurance centre expects; `Configuration.ChannelSettings` defaults to the
    /// same values (the modules do not import each other; ChannelsTests checks that they agree).
    public enum Sandbox {
        public static let hospitalCode = "H45010200001"
        public static let hospitalName = "惠民示范医院"
        public static let areaCode = "450102"
        public static let receiverSystemCode = "HSA_MOBILE"
    }

    /// Built from `HUIMIN_INSURANCE_*` (`…_BASE_URL`, `…_HOSPITAL_CODE`, `…_HOSPITAL_NAME`,
    /// `…_AREA_CODE`, `…_RECEIVER_SYSTEM`, and the PEM files `…_PRIVATE_KEY`,
    /// `…_CENTRE_PUBLIC_KEY`). Nil when the key files are not configured; unreadable files throw.
    public static func from(settings: Configuration.ChannelSettings) throws -> InsuranceConfiguration? {
        guard let privatePath = settings.insurancePrivateKeyPath,
              let publicPath = settings.insuranceCentrePublicKeyPath else { return nil }
        return InsuranceConfiguration(
            baseURL: settings.insuranceBaseURL, hospitalCode: settings.insuranceHospitalCode,
            hospitalName: settings.insuranceHospitalName, areaCode: settings.insuranceAreaCode,
            receiverSystemCode: settings.insuranceReceiverSystemCode,
            privateKey: try SM2PrivateKey(pem: String(contentsOfFile: privatePath, encoding: .utf8)),
            centrePublicKey: try SM2PublicKey(pem: String(contentsOfFile: publicPath, encoding: .utf8)))
    }
}
