import Crypto
import Foundation
import HuiminCore

/// One streamed write into a `FileObjectStore`: a temporary file plus a running SHA-256, or the
/// key already worked out when the caller had all the bytes in hand.
final class FileBlobWriter: BlobWriter, @unchecked Sendable {
    private let store: FileObjectStore
    private let temporaryPath: String
    private var fd: Int32
    private var hasher: SHA256?
    private let knownKey: BlobKey?
    private var size: Int64 = 0
    /// Renamed into place: there is no temporary file left to remove.
    private var moved = false

    init(store: FileObjectStore, key: BlobKey? = nil) throws {
        self.store = store
        knownKey = key
        hasher = key == nil ? SHA256() : nil
        temporaryPath = store.temporaryDirectory.path + "/" + Hex.encode(randomBytes(12))
        fd = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw ObjectStoreErrors.io("start a write") }
    }

    deinit { abandon() }

    func append(_ bytes: UnsafeRawBufferPointer) throws {
        guard fd >= 0 else { throw ObjectStoreErrors.io("write to a finished blob") }
        hasher?.update(bufferPointer: bytes)
        var written = 0
        while written < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + written, bytes.count - written)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw ObjectStoreErrors.io("write a blob") }
            written += n
        }
        size += Int64(bytes.count)
    }

    func finish() throws -> StoredBlob {
        guard fd >= 0 else { throw ObjectStoreErrors.io("finish a finished blob") }
        defer { abandon() }
        let key = try knownKey ?? BlobKey(Hex.encode(Array(hasher!.finalize())))
        if let stored = try store.alreadyStored(key, size: size) { return stored }
        guard fsync(fd) == 0 else { throw ObjectStoreErrors.io("flush a blob") }
        let destination = store.path(key)
        let directory = (destination as NSString).deletingLastPathComponent
        // The shard directories exist for all but a young store's first blobs: try the rename first.
        if rename(temporaryPath, destination) != 0 {
            guard errno == ENOENT else { throw ObjectStoreErrors.io("move a blob into place") }
            let upper = (directory as NSString).deletingLastPathComponent
            for (shard, parent) in [(upper, store.root.path), (directory, upper)] {
                if mkdir(shard, 0o755) == 0 {
                    Self.sync(directory: parent)
                } else if errno != EEXIST {
                    throw ObjectStoreErrors.io("make a shard directory")
                }
            }
            guard rename(temporaryPath, destination) == 0 else { throw ObjectStoreErrors.io("move a blob into place") }
        }
        moved = true
        Self.sync(directory: directory)
        return StoredBlob(key: key, size: size, isNew: true)
    }

    /// Makes a directory's new entries durable.
    private static func sync(directory: String) {
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            fsync(directoryFD)
            close(directoryFD)
        }
    }

    func abandon() {
        guard fd >= 0 else { return }
        close(fd)
        fd = -1
        if !moved { unlink(temporaryPath) }
    }
}
