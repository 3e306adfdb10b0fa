import Foundation

/// Reads a QR image the way an independent scanner would: PyPI `zxing-cpp` with Pillow
/// (`pip install zxing-cpp pillow`). python3 is found through /usr/bin/env.
public enum PythonDecoder {
    private static let script = """
        import sys, zxingcpp
        from PIL import Image
        results = zxingcpp.read_barcodes(Image.open(sys.argv[1]))
        sys.stdout.write("\\n".join(r.text for r in results))
        """

    /// The texts of every code found in `png`.
    public static func decode(png: [UInt8]) async throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("qr-\(UUID().uuidString).png")
        try Data(png).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = await ChildProcess.run("/usr/bin/env", ["python3", "-c", script, file.path], output: .pipeStdout)
        guard result.status == 0 else { throw DecoderFailed(status: result.status) }
        return result.output
    }

    public struct DecoderFailed: Error { public let status: Int32 }
}
