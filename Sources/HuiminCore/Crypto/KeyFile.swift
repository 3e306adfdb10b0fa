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
        do {
            try AtomicFile.write(data, to: url)
        } catch {
            throw Self.failure("cannot write the key ring")
        }
    }

    private static func failure(_ what: String) -> AppError {
        AppError("key_ring_unavailable", status: 500, "The key ring could not be accessed: \(what).")
    }
}
