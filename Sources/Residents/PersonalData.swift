import Foundation
import HuiminCore

/// Seals and indexes personal data (names, ID numbers, phones) with the deployment's crypto
/// profile. Blind indexes are namespaced so an ID number and a phone never share an index value.
public struct PersonalData: Sendable {
    public let crypto: any CryptoProfile

    public init(crypto: any CryptoProfile) {
        self.crypto = crypto
    }

    public func seal(_ text: String) throws -> Data {
        Data(try crypto.seal(Array(text.utf8)))
    }

    /// A row that will not open (damaged, or sealed under a key this server lacks) is the
    /// server's fault, so the caller sees `internal_error`, never a 4xx.
    public func open(_ sealed: Data) throws -> String {
        do {
            return String(decoding: try crypto.open(Array(sealed)), as: UTF8.self)
        } catch {
            throw AppError.internalError
        }
    }

    public func idNumberIndex(_ id: IDCardNumber) -> String { crypto.blindIndex("id:" + id.value) }
    public func phoneIndex(_ phone: PhoneNumber) -> String { crypto.blindIndex("phone:" + phone.value) }
}
