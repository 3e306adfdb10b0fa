/// The HIS front-end interface's JSON, modelled on the common hospital interface catalogues:
/// snake_case fields, every answer `{"code", "msg", "data"}` with `"0"` meaning success, sex as
/// GB/T 2261.1 codes ("1" male, "2" female, "0" unknown).
enum HISWire {
    struct QueryRequest: Encodable {
        let id_card_no: String
    }

    struct CreateRequest: Encodable {
        let name: String
        let id_card_no: String
        let sex: String
        let birthday: String
        let phone: String
    }

    struct Reply<Payload: Decodable>: Decodable {
        let code: String
        let msg: String?
        let data: Payload?
    }

    struct Patient: Decodable {
        let patient_id: String
        let card_no: String
        let name: String?
        let sex: String?
        let birthday: String?
        let phone: String?
    }

    struct Created: Decodable {
        let patient_id: String
        let card_no: String
    }

    static func sexCode(_ sex: String) -> String {
        switch sex {
        case "male": return "1"
        case "female": return "2"
        default: return "0"
        }
    }

    static func sex(code: String?) -> String {
        switch code {
        case "1": return "male"
        case "2": return "female"
        default: return "unknown"
        }
    }
}
