import Foundation

/// The e-health card screens: the dynamic QR (refreshed on demand), downloads, the static code.
extension InteractiveSession {
    func cardMenu() async throws {
        guard let member = try await chooseMember() else { return }
        let entries = ["Show card", "Show QR code (refresh on demand)", "Save QR as PNG", "Save QR as SVG",
                       "Make the printable static code", "Revoke the static code"]
        while let choice = try Prompt.menu("E-health card", entries) {
            switch choice {
            case 0: show(try await connection.card(member))
            case 1: try await showQR(member)
            case 2: try await saveQR(member, format: .png)
            case 3: try await saveQR(member, format: .svg)
            case 4:
                let response = try await connection.issueStaticCode(member)
                if show(response), let payload = response.json?.at("payload")?.stringValue {
                    transcript.qrCode(payload)
                    transcript.note("serial \(response.json?.at("serial")?.text ?? "?"); a terminal will ask for the holder's SMS code")
                    lastPayload = payload
                }
            default: show(try await connection.revokeStaticCode(member))
            }
        }
    }

    private func showQR(_ member: String) async throws {
        repeat {
            let response = try await connection.qr(member)
            guard show(response), let payload = response.json?.at("payload")?.stringValue else { return }
            transcript.qrCode(payload)
            transcript.note("expires at \(response.json?.at("expiresAt")?.text ?? "?") (\(response.json?.at("ttlSeconds")?.text ?? "?") s)")
            lastPayload = payload
        } while try Prompt.confirm("Refresh the code?", default: false)
    }

    private func saveQR(_ member: String, format: SimConnection.QRFormat) async throws {
        let file = try Prompt.require("File", default: "card-qr.\(format.rawValue)")
        let response = try await connection.qrImage(member, format: format)
        guard show(response) else { return }
        try Data(response.body).write(to: URL(fileURLWithPath: file))
        transcript.note("saved \(response.body.count) bytes to \(file)")
    }
}
