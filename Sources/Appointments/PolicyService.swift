import Database
import Foundation
import HuiminCore

/// Booking policies as hospitals and administrators set them: the hospital's own, and partial
/// overrides per department. A body is partial and is merged over what is stored, so a HIS can
/// send `{"horizonDays": 14}` without restating the rest; the answer is always the effective
/// policy, which is what residents will be held to.
public struct PolicyService: Sendable {
    let policies: PolicyStore
    let catalog: CatalogStore
    let clock: any HuiminClock

    public init(policies: PolicyStore, catalog: CatalogStore, clock: any HuiminClock) {
        self.policies = policies
        self.catalog = catalog
        self.clock = clock
    }

    /// The effective policy for a hospital, or for one of its departments by the hospital's code.
    public func effective(hospitalCode: String, departmentCode: String?) async throws -> BookingPolicy {
        let departmentID = try await resolve(hospitalCode: hospitalCode, departmentCode: departmentCode)
        return try await effective(hospitalCode: hospitalCode, departmentID: departmentID)
    }

    public func effective(hospitalCode: String, departmentID: String?) async throws -> BookingPolicy {
        let layers = try await policies.layers(hospitalCode: hospitalCode, departmentID: departmentID)
        return try BookingPolicy.effective(hospital: layers.hospital, department: layers.department)
    }

    /// Merges `body` over the stored layer, checks the result (a department's over the
    /// hospital's), stores it with its audit entry and returns the effective policy.
    public func save(hospitalCode: String, departmentCode: String?, body: [UInt8], actor: AuditActor) async throws -> BookingPolicy {
        let departmentID = try await resolve(hospitalCode: hospitalCode, departmentCode: departmentCode)
        guard let patch = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else {
            throw AppError.invalid("policy_invalid", "A policy is a JSON object, such as {\"horizonDays\": 14}.")
        }
        if let unknown = Self.unknownField(patch, known: Self.fields) {
            throw AppError.invalid("policy_invalid", "\(unknown) is not a policy field.")
        }
        let layers = try await policies.layers(hospitalCode: hospitalCode, departmentID: departmentID)
        let stored = departmentID == nil ? layers.hospital : layers.department
        let current = stored.flatMap { (try? JSONSerialization.jsonObject(with: $0)) as? [String: Any] } ?? [:]
        let merged = try JSONSerialization.data(withJSONObject: Self.merge(current, patch), options: [.sortedKeys])
        try BookingPolicy.checkOverride(merged, over: departmentID == nil ? nil : layers.hospital)
        try await policies.save(hospitalCode: hospitalCode, departmentID: departmentID, policy: merged, actor: actor, now: clock.now())
        return try await effective(hospitalCode: hospitalCode, departmentID: departmentID)
    }

    /// The department's ID, nil for the hospital's own policy; the hospital must exist.
    private func resolve(hospitalCode: String, departmentCode: String?) async throws -> String? {
        guard try await catalog.hospitalExists(code: hospitalCode) else {
            throw AppError.notFound("hospital_unknown", "No hospital with code \(hospitalCode).")
        }
        guard let departmentCode else { return nil }
        guard let id = try await catalog.departmentID(hospitalCode: hospitalCode, code: departmentCode) else {
            throw AppError.notFound("department_not_found", "No department \(departmentCode) at this hospital.")
        }
        return id
    }

    /// Every field a policy has, nested ones included: a misspelt field would otherwise be
    /// stored, ignored, and leave the hospital believing it had changed a rule.
    static var fields: [String: Any] {
        let data = (try? JSONEncoder().encode(BookingPolicy())) ?? Data("{}".utf8)
        return ((try? JSONSerialization.jsonObject(with: data)) as? [String: Any]) ?? [:]
    }

    static func unknownField(_ patch: [String: Any], known: [String: Any], prefix: String = "") -> String? {
        for (key, value) in patch {
            guard let template = known[key] else { return prefix + key }
            if let nested = value as? [String: Any], let knownNested = template as? [String: Any],
               let unknown = unknownField(nested, known: knownNested, prefix: prefix + key + ".") {
                return unknown
            }
        }
        return nil
    }

    /// Key by key, nested objects too, as `BookingPolicy.effective` lays layers over each other.
    static func merge(_ base: [String: Any], _ overlay: [String: Any]) -> [String: Any] {
        var out = base
        for (key, value) in overlay {
            if let nested = value as? [String: Any], let current = out[key] as? [String: Any] {
                out[key] = merge(current, nested)
            } else {
                out[key] = value
            }
        }
        return out
    }
}
