import Foundation
import HuiminCore

/// multipart/related (RFC 2387) framing: the boundary STOW-RS requests name, and WADO-RS answers.
enum MultipartRelated {
    /// The boundary parameter of a multipart Content-Type, quoted or not.
    static func boundary(contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                return pair[1].trimmingCharacters(in: Foundation.CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    /// A fresh boundary for an answer; random so it cannot occur in the parts.
    static func makeBoundary() -> String {
        "huimin-" + Hex.encode(randomBytes(16))
    }

    static func header(boundary: String, contentType: String) -> [UInt8] {
        Array("--\(boundary)\r\nContent-Type: \(contentType)\r\n\r\n".utf8)
    }

    static func closing(boundary: String) -> [UInt8] {
        Array("--\(boundary)--\r\n".utf8)
    }
}
