import Database
import Foundation
import HuiminCore
import QRCode

/// Shares of one study (云胶片分享): a link and QR code a resident hands to a doctor, valid for a
/// while (7 days unless told), optionally behind an access code, revocable, and logged at every
/// opening. The link's token is the only key: it opens that study and nothing else.
public struct FilmShares: Sendable {
    let store: FilmShareStore
    let crypto: any CryptoProfile
    let clock: any HuiminClock
    /// `https://host` the link and QR code point at.
    let publicURL: String

    static let defaultDays = 7
    static let maxDays = 30
    static let liveLimit = 50
    static let maxCodeFailures = 5
    static let codeLockout: TimeInterval = 15 * 60
    /// How long one opening lasts in a browser before the code is asked again.
    static let sessionLength: TimeInterval = 2 * 3600
    public static let cookieName = "hm_share"

    public init(store: FilmShareStore, crypto: any CryptoProfile, clock: any HuiminClock, publicURL: String) {
        self.store = store
        self.crypto = crypto
        self.clock = clock
        self.publicURL = publicURL
    }

    public struct Request: Decodable, Sendable {
        public var expiresInDays: Int?
        /// 4 to 8 digits, or none.
        public var accessCode: String?

        public init(expiresInDays: Int? = nil, accessCode: String? = nil) {
            self.expiresInDays = expiresInDays
            self.accessCode = accessCode
        }
    }

    public struct ShareView: Encodable, Sendable {
        public var id: String
        public var studyUid: String
        public var url: String
        /// The link as a QR code (SVG path for the app to draw, PNG to print).
        public var qrPng: String
        public var qrSvg: String
        public var hasAccessCode: Bool
        public var createdAt: String
        public var expiresAt: String
        public var revokedAt: String?
        /// active, expired or revoked.
        public var state: String
        public var openingsUrl: String
    }

    public struct OpeningView: Encodable, Sendable {
        public var at: String
        /// opened, code_wrong, code_locked, expired or revoked.
        public var outcome: String
        public var clientAddress: String?
        public var userAgent: String?
    }

    // MARK: Residents

    public func create(_ request: Request, accountID: String, memberID: String, personID: String, studyUID: String) async throws -> ShareView {
        let days = request.expiresInDays ?? Self.defaultDays
        guard (1...Self.maxDays).contains(days) else {
            throw AppError.invalid("share_expiry_invalid", "A share lasts 1 to \(Self.maxDays) days (expiresInDays).")
        }
        let code = request.accessCode.flatMap { $0.isEmpty ? nil : $0 }
        if let code, !(4...8).contains(code.count) || !code.allSatisfy({ ("0"..."9").contains($0) }) {
            throw AppError.invalid("share_code_invalid", "An access code is 4 to 8 digits.")
        }
        let now = clock.now()
        let id = TypedID.make("shr")
        let token = Base32.encode(randomBytes(20))
        let row = try await store.create(.init(
            id: id, tokenDigest: digest(token: token), tokenSealed: Data(try crypto.seal(Array(token.utf8))), accountID: accountID,
            memberID: memberID, personID: personID, studyUID: studyUID, codeDigest: code.map { digest(code: $0, shareID: id) },
            expiresAt: now.addingTimeInterval(TimeInterval(days) * 86_400)), limit: Self.liveLimit, now: now)
        return try view(row)
    }

    public func shares(accountID: String, memberID: String) async throws -> [ShareView] {
        try await store.shares(accountID: accountID, memberID: memberID).map(view)
    }

    public func revoke(id: String, accountID: String, memberID: String) async throws -> ShareView {
        _ = try await owned(id: id, accountID: accountID, memberID: memberID)
        try await store.revoke(id: id, accountID: accountID, now: clock.now())
        return try view(try await owned(id: id, accountID: accountID, memberID: memberID))
    }

    public func openings(id: String, accountID: String, memberID: String) async throws -> [OpeningView] {
        _ = try await owned(id: id, accountID: accountID, memberID: memberID)
        return try await store.openings(shareID: id).map {
            OpeningView(at: ISO8601.string($0.at), outcome: $0.outcome, clientAddress: $0.clientAddress, userAgent: $0.userAgent)
        }
    }

    public func qrPNG(id: String, accountID: String, memberID: String) async throws -> [UInt8] {
        let row = try await owned(id: id, accountID: accountID, memberID: memberID)
        return try QRMatrix(text: url(try token(row))).png(scale: 8, margin: 4)
    }

    // MARK: Viewers

    public struct Visitor: Sendable {
        public var address: String?
        public var userAgent: String?

        public init(address: String?, userAgent: String?) {
            self.address = address
            self.userAgent = userAgent
        }
    }

    public struct Opened: Sendable {
        public var share: FilmShareRow
        /// The cookie value that lets this browser read the share for a while.
        public var session: String
        public var sessionSeconds: Int
        public var secureCookie: Bool
    }

    /// Opens a share for a viewer: checks it is live and, when it has one, the access code; logs the attempt.
    public func open(token: String, code: String?, visitor: Visitor) async throws -> Opened {
        let share = try await live(token: token, visitor: visitor)
        var matches: Bool?
        if let codeDigest = share.codeDigest {
            guard let code = code?.trimmingCharacters(in: .whitespaces), !code.isEmpty else {
                throw AppError("share_code_required", status: 401, "This share asks for its access code.")
            }
            matches = Digest.constantTimeEqual(Array(digest(code: code, shareID: share.id).utf8), Array(codeDigest.utf8))
        }
        let now = clock.now()
        switch try await store.open(shareID: share.id, codeMatches: matches, maxFailures: Self.maxCodeFailures,
                                    lockout: Self.codeLockout, clientAddress: Self.masked(visitor.address),
                                    userAgent: visitor.userAgent, now: now) {
        case .wrong:
            throw AppError.forbidden("share_code_wrong", "That access code is not this share's.")
        case .locked(let until):
            throw AppError("share_code_locked", status: 429,
                           "Too many wrong codes; try again after \(ISO8601.string(until)).")
        case .accepted:
            let expires = min(now.addingTimeInterval(Self.sessionLength), share.expiresAt)
            return Opened(share: share, session: session(shareID: share.id, until: expires),
                          sessionSeconds: max(Int(expires.timeIntervalSince(now)), 1), secureCookie: publicURL.hasPrefix("https://"))
        }
    }

    /// The share a viewer's later request reads: live, and opened in this browser.
    public func resume(token: String, session: String?) async throws -> FilmShareRow {
        let share = try await live(token: token, visitor: nil)
        guard let session, verify(session: session, shareID: share.id) else {
            throw AppError("share_session_required", status: 401, "Open the share's link first.")
        }
        return share
    }

    public func terms(_ share: FilmShareRow) -> ShareTerms {
        ShareTerms(expiresAt: ISO8601.string(share.expiresAt))
    }

    // MARK: -

    /// A share that exists, is not revoked and has not expired; refusals of a known share are logged
    /// when a viewer (not a follow-up request) made them.
    private func live(token: String, visitor: Visitor?) async throws -> FilmShareRow {
        guard token.count <= 64, let share = try await store.share(tokenDigest: digest(token: token)) else {
            throw AppError.notFound("share_not_found", "This link does not lead to a share.")
        }
        let now = clock.now()
        let refusal: (outcome: String, error: AppError)?
        if share.revokedAt != nil {
            refusal = ("revoked", AppError("share_revoked", status: 410, "The resident revoked this share."))
        } else if share.expiresAt <= now {
            refusal = ("expired", AppError("share_expired", status: 410, "This share expired on \(ISO8601.string(share.expiresAt))."))
        } else {
            refusal = nil
        }
        if let refusal {
            if let visitor {
                try await store.logRefusal(shareID: share.id, outcome: refusal.outcome, clientAddress: Self.masked(visitor.address),
                                           userAgent: visitor.userAgent, now: now)
            }
            throw refusal.error
        }
        return share
    }

    private func owned(id: String, accountID: String, memberID: String) async throws -> FilmShareRow {
        guard let row = try await store.share(id: id, accountID: accountID, memberID: memberID) else {
            throw AppError.notFound("share_not_found", "No such share for this family member.")
        }
        return row
    }

    private func view(_ row: FilmShareRow) throws -> ShareView {
        let link = url(try token(row))
        let qr = try QRMatrix(text: link)
        let now = clock.now()
        return ShareView(
            id: row.id, studyUid: row.studyUid, url: link, qrPng: "/api/v1/family-members/\(row.memberId)/shares/\(row.id)/qr.png",
            qrSvg: qr.svg(moduleSize: 4, margin: 4), hasAccessCode: row.codeDigest != nil, createdAt: ISO8601.string(row.createdAt),
            expiresAt: ISO8601.string(row.expiresAt), revokedAt: row.revokedAt.map(ISO8601.string),
            state: row.revokedAt != nil ? "revoked" : row.expiresAt <= now ? "expired" : "active",
            openingsUrl: "/api/v1/family-members/\(row.memberId)/shares/\(row.id)/openings")
    }

    private func token(_ row: FilmShareRow) throws -> String {
        String(decoding: try crypto.open(Array(row.tokenSealed)), as: UTF8.self)
    }

    private func url(_ token: String) -> String { "\(publicURL)/s/\(token)" }

    private func digest(token: String) -> String {
        Hex.encode(crypto.tokenMAC(Array("film-share:\(token)".utf8)))
    }

    private func digest(code: String, shareID: String) -> String {
        Hex.encode(crypto.tokenMAC(Array("film-share-code:\(shareID):\(code)".utf8)))
    }

    /// `expiry.mac` over the share and the expiry: stateless, and useless for another share or after it expires.
    private func session(shareID: String, until: Date) -> String {
        let expiry = Int(until.timeIntervalSince1970)
        return "\(expiry).\(Hex.encode(crypto.tokenMAC(Array("film-share-session:\(shareID):\(expiry)".utf8))))"
    }

    private func verify(session: String, shareID: String) -> Bool {
        let parts = session.split(separator: ".")
        guard parts.count == 2, let expiry = Int(parts[0]), Double(expiry) > clock.now().timeIntervalSince1970 else { return false }
        let expected = Hex.encode(crypto.tokenMAC(Array("film-share-session:\(shareID):\(expiry)".utf8)))
        return Digest.constantTimeEqual(Array(parts[1].utf8), Array(expected.utf8))
    }

    /// An address without its host part (203.0.113.*, 2001:db8:1:*), enough for a resident to tell
    /// places apart without Huimin keeping who exactly looked.
    static func masked(_ address: String?) -> String? {
        guard let address = address?.split(separator: ",").first?.trimmingCharacters(in: .whitespaces), !address.isEmpty else {
            return nil
        }
        if address.contains(":") {
            return address.split(separator: ":").prefix(3).joined(separator: ":") + ":*"
        }
        let parts = address.split(separator: ".")
        guard parts.count == 4 else { return nil }
        return parts.prefix(3).joined(separator: ".") + ".*"
    }
}
