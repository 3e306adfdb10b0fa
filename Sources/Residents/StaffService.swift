import Database
import Foundation
import HuiminCore

/// Staff users (admin, cashier, operator): password login with lock-out, and audited reads of a
/// resident's personal data.
public struct StaffService: Sendable {
    public static let roles: Set<String> = ["admin", "cashier", "operator"]
    static let lockThreshold = 5
    static let lockDuration: TimeInterval = 15 * 60

    let access: AccessStore
    let residents: ResidentStore
    let cards: CardStore
    let tokens: SessionTokens
    let personal: PersonalData
    let clock: any HuiminClock
    let sessionTTL: TimeInterval

    public init(access: AccessStore, residents: ResidentStore, cards: CardStore, tokens: SessionTokens, personal: PersonalData,
                clock: any HuiminClock, sessionTTL: TimeInterval = 12 * 3600) {
        self.access = access
        self.residents = residents
        self.cards = cards
        self.tokens = tokens
        self.personal = personal
        self.clock = clock
        self.sessionTTL = sessionTTL
    }

    public struct Staff: Codable, Sendable {
        public var id: String
        public var username: String
        public var role: String
    }

    public struct Login: Codable, Sendable {
        public var token: String
        public var expiresAt: String
        public var staff: Staff
    }

    public func create(username: String, password: String, role: String) async throws -> Staff {
        guard Self.roles.contains(role) else {
            throw AppError.invalid("role_invalid", "Role is one of admin, cashier or operator.")
        }
        guard username.range(of: "^[a-z0-9_.-]{3,32}$", options: .regularExpression) != nil else {
            throw AppError.invalid("username_invalid", "A username is 3–32 lower-case letters, digits, '.', '_' or '-'.")
        }
        guard password.count >= 10 else {
            throw AppError.invalid("password_too_short", "A staff password has at least 10 characters.")
        }
        let id = try await access.createStaff(username: username, passwordHash: PasswordHash.make(password), role: role,
                                              now: clock.now())
        return Staff(id: id, username: username, role: role)
    }

    public func login(username: String, password: String) async throws -> Login {
        let now = clock.now()
        let refused = AppError.unauthorized("login_failed", "Wrong username or password.")
        guard let user = try await access.staff(username: username) else {
            _ = PasswordHash.verify(password, against: PasswordHash.decoy)
            throw refused
        }
        let passwordRight = PasswordHash.verify(password, against: user.passwordHash)
        if let locked = user.lockedUntil, locked > now {
            // Only someone who knows the password learns that the account is locked.
            guard passwordRight else { throw refused }
            throw AppError.rateLimited("account_locked", "Too many failed logins; try again after \(ISO8601.string(locked)).")
        }
        guard passwordRight else {
            try await access.recordLoginFailure(id: user.id, threshold: Self.lockThreshold, lockFor: Self.lockDuration, now: now)
            throw refused
        }
        let session = SessionRow(id: TypedID.make("ses"), kind: "staff", subjectId: user.id, createdAt: now,
                                 expiresAt: now.addingTimeInterval(sessionTTL))
        try await access.recordLogin(session: session, now: now)
        return Login(token: tokens.token(sessionID: session.id, kind: "staff"), expiresAt: ISO8601.string(session.expiresAt),
                     staff: Staff(id: user.id, username: user.username, role: user.role))
    }

    public func authenticate(token: String) async throws -> Staff {
        let session = try await SessionGate.open(token: token, kind: "staff", tokens: tokens, store: residents, now: clock.now())
        guard let user = try await access.staff(id: session.subjectId) else {
            throw AppError.unauthorized("token_invalid", "The staff user no longer exists.")
        }
        return Staff(id: user.id, username: user.username, role: user.role)
    }

    /// Ends a staff session (the console's sign-out); an unknown or ended one changes nothing.
    public func logout(token: String) async throws {
        let session = try await SessionGate.open(token: token, kind: "staff", tokens: tokens, store: residents, now: clock.now())
        try await residents.revokeSession(id: session.id, now: clock.now())
    }

    /// The unmasked person behind a family member; the read is audited before anything is returned.
    public func readResident(memberID: String, by staff: Staff, reason: String) async throws -> PersonDetail {
        guard ["admin", "operator"].contains(staff.role) else {
            throw AppError.forbidden("role_forbidden", "Your role may not read residents' personal data.")
        }
        guard let view = try await residents.member(id: memberID) else {
            throw AppError.notFound("family_member_not_found", "No such family member.")
        }
        try await access.audit(actorKind: "staff", actorID: staff.id, action: "resident.read", subjectKind: "person",
                               subjectID: view.person.id, detail: reason, now: clock.now())
        return try personal.detail(view)
    }

    /// Freezes a card (a lost phone, suspected fraud) so that none of its codes verify, or makes it
    /// active again; audited with the reason.
    public func setCardStatus(cardID: String, active: Bool, reason: String, by staff: Staff) async throws -> HealthCardRow {
        guard ["admin", "operator"].contains(staff.role) else {
            throw AppError.forbidden("role_forbidden", "Your role may not freeze or reactivate cards.")
        }
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw AppError.invalid("reason_missing", "Say why the card's status changes.")
        }
        guard let card = try await cards.setStatus(cardID: cardID.uppercased(), status: active ? "active" : "frozen",
                                                   staffID: staff.id, reason: reason, now: clock.now()) else {
            throw AppError.notFound("card_not_found", "No e-health card with that ID.")
        }
        return card
    }

    public func auditLog(by staff: Staff, subjectID: String?, limit: Int) async throws -> [AccessStore.AuditEntry] {
        guard staff.role == "admin" else {
            throw AppError.forbidden("role_forbidden", "Only administrators read the audit log.")
        }
        return try await access.auditLog(subjectID: subjectID, limit: min(max(limit, 1), 500))
    }
}
