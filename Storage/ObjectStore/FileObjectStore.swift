import Crypto
import Foundation
import HuiminCore

/// Blobs as files named by their SHA-256 under `root/ab/cd/abcd…`: two levels of 256 directories
/// keep any one directory small at hundreds of millions of files. A write goes to `root/tmp`,
/// is fsynced, then renamed into place, so a crash leaves either nothing or the whole blob.
public struct FileObjectStore: ObjectStore {
    public let root: URL

    public init(root: URL) throws {
        self.root = root
        try FileManager.default.createDirectory(at: temporaryDirectory, withIntermediateDirectories: true)
    }

    var temporaryDirectory: URL { root.appendingPathComponent("tmp", isDirectory: true) }

    func path(_ key: BlobKey) -> String {
        let hex = key.hex
        return root.path + "/" + hex.prefix(2) + "/" + hex.dropFirst(2).prefix(2) + "/" + hex
    }

    public func makeWriter() throws -> any BlobWriter {
        try FileBlobWriter(store: self)
    }

    public func put(_ bytes: [UInt8]) throws -> StoredBlob {
        // Bytes in hand are hashed first: when they are stored already (a re-sent file, a sheet
        // drawn the same again) no temporary file is made and deleted. On ext4 each deleted inode
        // is skipped for a while by every new file's inode search, so that churn slows all writes.
        let key = try BlobKey(Hex.encode(Array(SHA256.hash(data: bytes))))
        if let stored = try alreadyStored(key, size: Int64(bytes.count)) { return stored }
        let writer = try FileBlobWriter(store: self, key: key)
        do {
            try writer.append(bytes)
            return try writer.finish()
        } catch {
            writer.abandon()
            throw error
        }
    }

    /// The blob `key` when the same bytes are stored already. Touching the file tells the sweep
    /// it is wanted again, so it is not removed before the new write's reference commits.
    func alreadyStored(_ key: BlobKey, size: Int64) throws -> StoredBlob? {
        guard let existing = try self.size(key), existing == size else { return nil }
        utimes(path(key), nil)
        return StoredBlob(key: key, size: size, isNew: false)
    }

    public func read(_ key: BlobKey) throws -> [UInt8] {
        guard let size = try size(key) else { throw ObjectStoreErrors.missing }
        return try read(key, offset: 0, length: Int(size))
    }

    public func read(_ key: BlobKey, offset: Int64, length: Int) throws -> [UInt8] {
        let fd = open(path(key), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw errno == ENOENT ? ObjectStoreErrors.missing : ObjectStoreErrors.io("open a blob") }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: max(0, length))
        var filled = 0
        try bytes.withUnsafeMutableBytes { buffer in
            while filled < buffer.count {
                let n = pread(fd, buffer.baseAddress! + filled, buffer.count - filled, off_t(offset) + off_t(filled))
                if n < 0 && errno == EINTR { continue }
                guard n >= 0 else { throw ObjectStoreErrors.io("read a blob") }
                if n == 0 { break }
                filled += n
            }
        }
        if filled < bytes.count { bytes.removeLast(bytes.count - filled) }
        return bytes
    }

    public func size(_ key: BlobKey) throws -> Int64? {
        var info = stat()
        guard stat(path(key), &info) == 0 else {
            if errno == ENOENT { return nil }
            throw ObjectStoreErrors.io("stat a blob")
        }
        return Int64(info.st_size)
    }

    public func modified(_ key: BlobKey) throws -> Date? {
        var info = stat()
        guard stat(path(key), &info) == 0 else {
            if errno == ENOENT { return nil }
            throw ObjectStoreErrors.io("stat a blob")
        }
        return Date(timeIntervalSince1970: TimeInterval(info.st_mtim.tv_sec) + TimeInterval(info.st_mtim.tv_nsec) / 1e9)
    }

    public func delete(_ key: BlobKey) throws {
        guard unlink(path(key)) == 0 || errno == ENOENT else { throw ObjectStoreErrors.io("delete a blob") }
    }

    public func keys() throws -> [BlobKey] {
        var keys: [BlobKey] = []
        let manager = FileManager.default
        for first in (try? manager.contentsOfDirectory(atPath: root.path)) ?? [] where first.utf8.count == 2 {
            let firstPath = root.path + "/" + first
            for second in (try? manager.contentsOfDirectory(atPath: firstPath)) ?? [] where second.utf8.count == 2 {
                for name in (try? manager.contentsOfDirectory(atPath: firstPath + "/" + second)) ?? [] {
                    if let key = try? BlobKey(name) { keys.append(key) }
                }
            }
        }
        return keys
    }

    public func verify(_ key: BlobKey) throws -> Bool {
        let fd = open(path(key), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw errno == ENOENT ? ObjectStoreErrors.missing : ObjectStoreErrors.io("open a blob") }
        defer { close(fd) }
        var hasher = SHA256()
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw ObjectStoreErrors.io("read a blob") }
            if n == 0 { break }
            chunk.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[..<n])) }
        }
        return Hex.encode(Array(hasher.finalize())) == key.hex
    }
}
