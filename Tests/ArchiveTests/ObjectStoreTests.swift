import Crypto
import Foundation
import HuiminCore
import ObjectStore
import Testing

@Suite("Content-addressed object store on the filesystem")
struct ObjectStoreTests {
    static func temporaryStore() throws -> FileObjectStore {
        try FileObjectStore(root: FileManager.default.temporaryDirectory
            .appendingPathComponent("huimin-objects-\(UUID().uuidString)", isDirectory: true))
    }

    @Test("a streamed write is named by the SHA-256 of its bytes, sharded two levels deep, and read back whole or in part")
    func streamedWrite() throws {
        let store = try Self.temporaryStore()
        let bytes = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let writer = try store.makeWriter()
        for start in stride(from: 0, to: bytes.count, by: 65_536) {
            try writer.append(Array(bytes[start..<min(bytes.count, start + 65_536)]))
        }
        let blob = try writer.finish()
        #expect(blob.key.hex == Hex.encode(Array(SHA256.hash(data: bytes))))
        #expect(blob.size == 3_000_000 && blob.isNew)
        let hex = blob.key.hex
        #expect(FileManager.default.fileExists(atPath: "\(store.root.path)/\(hex.prefix(2))/\(hex.dropFirst(2).prefix(2))/\(hex)"))
        #expect(try store.read(blob.key) == bytes)
        #expect(try store.read(blob.key, offset: 1_000_000, length: 10) == Array(bytes[1_000_000..<1_000_010]))
        #expect(try store.keys() == [blob.key])
        // Nothing is left in the temporary directory.
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.root.path + "/tmp").isEmpty)
    }

    @Test("the same bytes are stored once; a second write, in hand or streamed, says so and marks the blob wanted again")
    func deduplicates() throws {
        let store = try Self.temporaryStore()
        let first = try store.put(Array("same bytes".utf8))
        let path = "\(store.root.path)/\(first.key.hex.prefix(2))/\(first.key.hex.dropFirst(2).prefix(2))/\(first.key.hex)"
        // Aged, as the sweep's grace period would see a blob written long ago.
        var old = [timeval(tv_sec: 1_000_000_000, tv_usec: 0), timeval(tv_sec: 1_000_000_000, tv_usec: 0)]
        #expect(utimes(path, &old) == 0)
        let second = try store.put(Array("same bytes".utf8))
        #expect(first.isNew && !second.isNew && first.key == second.key)
        #expect(try #require(try store.modified(first.key)).timeIntervalSinceNow > -60, "touched, so the sweep keeps it")
        let writer = try store.makeWriter()
        try writer.append(Array("same bytes".utf8))
        let streamed = try writer.finish()
        #expect(!streamed.isNew && streamed.key == first.key)
        #expect(try store.keys().count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.root.path + "/tmp").isEmpty)
    }

    @Test("an abandoned write leaves nothing behind")
    func abandoned() throws {
        let store = try Self.temporaryStore()
        let writer = try store.makeWriter()
        try writer.append(Array(repeating: 1, count: 1000))
        writer.abandon()
        #expect(try store.keys().isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.root.path + "/tmp").isEmpty)
    }

    @Test("verify finds a blob whose bytes rotted on disk")
    func verifyFindsRot() throws {
        let store = try Self.temporaryStore()
        let good = try store.put(Array("good".utf8))
        let bad = try store.put(Array("will rot".utf8))
        let path = "\(store.root.path)/\(bad.key.hex.prefix(2))/\(bad.key.hex.dropFirst(2).prefix(2))/\(bad.key.hex)"
        try Data("will r0t".utf8).write(to: URL(fileURLWithPath: path))
        #expect(try store.verify(good.key))
        #expect(try !store.verify(bad.key))
    }

    @Test("keys that are not 64 lowercase hex digits are refused, so no key names a path outside the store")
    func keyValidation() throws {
        #expect(throws: AppError.self) { try BlobKey("../../etc/passwd") }
        #expect(throws: AppError.self) { try BlobKey(String(repeating: "A", count: 64)) }
        let store = try Self.temporaryStore()
        let missing = try BlobKey(String(repeating: "0", count: 64))
        #expect(try store.size(missing) == nil)
        #expect((try? store.read(missing)) == nil)
    }
}
