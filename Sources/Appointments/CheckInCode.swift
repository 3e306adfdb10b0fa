import Foundation
import HuiminCore

/// The code printed at a clinic's door (诊区报到码). Scanning it proves the resident stands at
/// that department, so it carries a MAC under the deployment's key: a resident cannot make one.
public struct CheckInCode: Sendable {
    let crypto: any CryptoProfile
    static let prefix = "HMCI1."

    public init(crypto: any CryptoProfile) {
        self.crypto = crypto
    }

    public func code(departmentID: String) -> String {
        Self.prefix + departmentID + "." + mac(departmentID)
    }

    /// The department a scanned code names, or a clear error when it is not one of ours.
    public func department(in text: String) throws -> String {
        let parts = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".")
        guard text.hasPrefix(Self.prefix), parts.count == 3,
              Digest.constantTimeEqual(Array(mac(String(parts[1])).utf8), Array(parts[2].utf8)) else {
            throw AppError.invalid("check_in_code_invalid", "This is not a Huimin clinic check-in code.")
        }
        return String(parts[1])
    }

    private func mac(_ departmentID: String) -> String {
        String(Base32.encode(crypto.tokenMAC(Array("check-in:\(departmentID)".utf8))).prefix(20))
    }
}
