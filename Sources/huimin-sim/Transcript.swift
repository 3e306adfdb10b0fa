import Foundation
import QRCode

/// What the simulator prints: each step, each HTTP call with its status and a short body
/// excerpt, ✓/✗ per expectation. Output goes to stdout in order, interleaving correctly
/// with interactive prompts (written unbuffered, straight to the file handle).
final class Transcript {
    /// Whether stdout is a terminal: only then are ANSI colours worth sending.
    let isTerminal = isatty(STDOUT_FILENO) != 0

    func step(_ line: Int, _ text: String) {
        emit("[\(line)] \(text)")
    }

    func call(_ response: SimResponse, showBody: Bool) {
        let excerpt = showBody ? response.excerpt() : ""
        emit("    → \(response.method) \(response.path)  \(response.status) (\(response.milliseconds) ms)"
             + (excerpt.isEmpty ? "" : "  \(excerpt)"))
    }

    func passed(_ text: String) { emit("    ✓ \(text)") }
    func failed(_ text: String) { emit("    ✗ \(text)") }
    func note(_ text: String) { emit("    \(text)") }

    func emit(_ text: String) {
        Console.write(text + "\n")
    }
}

/// Unbuffered stdout. `print` buffers when stdout is a pipe, which would put menus after the
/// answers they prompted for; everything interactive goes through here instead.
enum Console {
    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func line(_ text: String = "") {
        write(text + "\n")
    }
}

extension Transcript {
    /// Prints a card code as a scannable QR in the terminal. Colours are forced only on a real
    /// terminal, where they make the code read correctly on light and dark themes alike.
    func qrCode(_ payload: String) {
        do {
            let art = try QRMatrix(text: payload).terminal(ansiColors: isTerminal)
            emit(art.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
        } catch {
            failed("cannot draw this code: \(error.reason)")
        }
    }
}
