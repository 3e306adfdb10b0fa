import Foundation

/// Reads and replaces a key-ring file safely: under an exclusive lock, so two processes starting
/// together (server and worker) cannot each generate different keys, and by temp file, fsync and
/// rename, so a crash never leaves a half-written ring. Files are created 0600, the directory 0700.
struct KeyFile {
    let url: URL

    /// Runs `body` holding an exclusive lock on `<file>.lock` in the same directory.
    func withLock<T>(_ body: () throws -> T) throws -> T {
        let directory = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let fd = open(url.path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Self.failure("cannot open the key ring lock") }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else { throw Self.failure("cannot lock the key ring") }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }

    /// nil when the file does not exist yet.
    func read() throws -> Data? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        return try Data(contentsOf: url)
    }

    func replace(with data: Data) throws {
        let temporary = url.path + ".tmp-" + Hex.encode(randomBytes(4))
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Self.failure("cannot create a temporary key ring file") }
        var written = 0
        let complete = data.withUnsafeBytes { buffer -> Bool in
            while written < buffer.count {
                let n = write(fd, buffer.baseAddress! + written, buffer.count - written)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return false }
                written += n
            }
            return fsync(fd) == 0
        }
        close(fd)
        guard complete, rename(temporary, url.path) == 0 else {
            unlink(temporary)
            throw Self.failure("cannot write the key ring")
        }
        // The rename itself is only durable once the directory entry is flushed.
        let directoryFD = open(url.deletingLastPathComponent().path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            fsync(directoryFD)
            close(directoryFD)
        }
    }

    private static func failure(_ what: String) -> AppError {
        AppError("key_ring_unavailable", status: 500, "The key ring could not be accessed: \(what).")
    }
}
