import Foundation

/// Writes a file so that a crash leaves either the old file or the whole new one: a temporary
/// file beside it, fsynced, renamed into place, and the directory entry flushed.
public enum AtomicFile {
    public static func write<Bytes: ContiguousBytes>(_ bytes: Bytes, to url: URL, permissions: mode_t = 0o600) throws {
        let temporary = url.path + ".tmp-" + Hex.encode(randomBytes(4))
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, permissions)
        guard fd >= 0 else { throw failure(url) }
        var written = 0
        let complete = bytes.withUnsafeBytes { buffer -> Bool in
            while written < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + written, buffer.count - written)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return false }
                written += n
            }
            return fsync(fd) == 0
        }
        close(fd)
        guard complete, rename(temporary, url.path) == 0 else {
            unlink(temporary)
            throw failure(url)
        }
        let directoryFD = open(url.deletingLastPathComponent().path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            fsync(directoryFD)
            close(directoryFD)
        }
    }

    private static func failure(_ url: URL) -> AppError {
        AppError("file_write_failed", status: 500, "A file could not be written: \(url.lastPathComponent).")
    }
}
