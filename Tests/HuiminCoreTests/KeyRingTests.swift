import Foundation
import HuiminCore
import Testing

@Suite struct KeyRingTests {
    private static func material(_ purpose: KeyPurpose) -> String { "material-\(purpose)-\(UUID().uuidString)" }

    @Test func firstUseCreatesAPrivateFileWithOneActiveKeyPerPurpose() throws {
        let dir = try TemporaryDirectory()
        // 2026-11-23 20:00 UTC is already 24 November in Asia/Shanghai.
        let clock = ManualClock(ISO8601.date("2026-11-23T20:00:00.000Z")!)
        let ring = try KeyRing(directory: dir.url, profile: "gm", clock: clock, newMaterial: Self.material)
        #expect(ring.fileURL.lastPathComponent == "gm-keys.json")
        let attributes = try FileManager.default.attributesOfItem(atPath: ring.fileURL.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(Set(ring.all.map(\.purpose)) == Set(KeyPurpose.allCases))
        #expect(ring.all.allSatisfy { $0.active })
        let signing = ring.active(.signing)
        #expect(signing.keyID.range(of: #"^gm-sig-20261124-[0-9a-f]{4}$"#, options: .regularExpression) != nil)
        #expect(signing.createdAt == clock.now())
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.url.path).filter { $0.contains(".tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test func reloadingReadsTheSameKeysInsteadOfGeneratingNew() throws {
        let dir = try TemporaryDirectory()
        let first = try KeyRing(directory: dir.url, profile: "intl", newMaterial: Self.material)
        let second = try KeyRing(directory: dir.url, profile: "intl", newMaterial: Self.material)
        #expect(first.all == second.all)
    }

    @Test func rotationDeactivatesTheOldKeyButKeepsIt() throws {
        let dir = try TemporaryDirectory()
        let ring = try KeyRing(directory: dir.url, profile: "gm", newMaterial: Self.material)
        let old = ring.active(.field)
        let new = try ring.rotate(purpose: .field)
        #expect(new.keyID != old.keyID)
        #expect(ring.active(.field) == new)
        #expect(ring.entry(old.keyID, purpose: .field)?.active == false)
        #expect(ring.entry(old.keyID, purpose: .signing) == nil, "key IDs are looked up within their purpose")
        let reloaded = try KeyRing(directory: dir.url, profile: "gm", newMaterial: Self.material)
        #expect(reloaded.active(.field) == new)
        #expect(reloaded.entry(old.keyID, purpose: .field)?.material == old.material)
    }

    @Test func blindIndexKeyRotationIsRefused() throws {
        let dir = try TemporaryDirectory()
        let ring = try KeyRing(directory: dir.url, profile: "gm", newMaterial: Self.material)
        let error = #expect(throws: AppError.self) { try ring.rotate(purpose: .index) }
        #expect(error?.code == "key_rotation_refused")
        #expect(ring.all.filter { $0.purpose == .index }.count == 1)
    }

    @Test func processesStartingTogetherAgreeOnOneSetOfKeys() async throws {
        let dir = try TemporaryDirectory()
        let url = dir.url
        let rings = try await withThrowingTaskGroup(of: [KeyEntry].self) { group in
            for _ in 0..<6 {
                group.addTask { try KeyRing(directory: url, profile: "gm", newMaterial: Self.material).all }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(rings.map { $0.map(\.keyID) }).count == 1)
    }

    @Test func aCorruptRingStopsStartUp() throws {
        let dir = try TemporaryDirectory()
        _ = try dir.write("gm-keys.json", Array("{ not json".utf8))
        let error = #expect(throws: AppError.self) { try KeyRing(directory: dir.url, profile: "gm", newMaterial: Self.material) }
        #expect(error?.code == "key_ring_invalid")
    }
}
