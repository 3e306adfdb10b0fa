import API
import Foundation
import Hummingbird
import Testing

/// The OpenAPI document is the contract hospital IT and the mini-program team read, so it must
/// name every route the server answers and every error code the code can throw.
@Suite struct OpenAPIDocumentTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let document = (try? String(contentsOf: root.appendingPathComponent("assets/openapi.yaml"), encoding: .utf8)) ?? ""

    /// `paths:` entries and the methods under each, read from the YAML's indentation.
    static func documentedOperations() -> Set<String> {
        var operations = Set<String>()
        var currentPath: String?
        for line in document.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("  /"), line.hasSuffix(":") {
                currentPath = String(line.dropFirst(2).dropLast())
            } else if line.hasPrefix("components:") {
                currentPath = nil
            } else if let path = currentPath, line.hasPrefix("    "), !line.hasPrefix("     "),
                      let method = ["get", "post", "patch", "put", "delete"].first(where: { line == "    \($0):" }) {
                operations.insert("\(method.uppercased()) \(path)")
            }
        }
        return operations
    }

    @Test func everyRouteIsDocumented() async throws {
        let routes = try await TestHarness.with { h in try buildRouter(services: h.services).routes.map { "\($0.method.rawValue) \($0.path)" } }
        let served = Set(routes.map { route -> String in
            let parts = route.split(separator: " ", maxSplits: 1)
            let path = parts[1].split(separator: "/").map { segment in
                segment.hasPrefix(":") ? "{\(segment.dropFirst())}" : String(segment)
            }.joined(separator: "/")
            return "\(parts[0]) /\(path)"
        })
        // The console's pages are HTML for people, listed in the README, not part of the JSON API.
        let api = served.filter { !$0.contains(" /console") }
        let documented = Self.documentedOperations()
        #expect(api.count > 20)
        #expect(api.subtracting(documented).isEmpty, "routes missing from assets/openapi.yaml: \(api.subtracting(documented).sorted())")
        #expect(documented.subtracting(api).isEmpty, "documented but not served: \(documented.subtracting(api).sorted())")
    }

    @Test func everyErrorCodeInTheSourcesIsDocumented() throws {
        let enumStart = try #require(Self.document.range(of: "    ErrorCode:"))
        let documented = Set(Self.document[enumStart.upperBound...].split(separator: "\n")
            .compactMap { line -> String? in
                let t = line.trimmingCharacters(in: .whitespaces)
                return t.hasPrefix("- ") ? String(t.dropFirst(2)) : nil
            })
        var thrown = Set<String>()
        let pattern = try Regex(#"(?:AppError|\.(?:invalid|unauthorized|forbidden|notFound|conflict|rule|rateLimited|upstream|unavailable))\(\s*"([a-z0-9_]+)""#)
        for dir in ["Sources/Residents", "Sources/Appointments", "Sources/Payments", "Sources/Reconciliation", "Channels/WeChatPay", "Sources/API", "Sources/HuiminCore", "Storage/Database", "Channels/Transport",
                    "Channels/WeChat", "Channels/Alipay", "Channels/SMS", "Channels/HIS", "Channels/UnionPay", "Channels/Insurance", "Sources/QRCode", "Sources/Notices",
                    "Sources/ImageArchive", "Storage/ObjectStore", "Sources/ECGArchive", "Sources/Records", "Sources/Films"] {
            let url = Self.root.appendingPathComponent(dir)
            for case let file as URL in FileManager.default.enumerator(at: url, includingPropertiesForKeys: nil)! where file.pathExtension == "swift" {
                let text = try String(contentsOf: file, encoding: .utf8)
                for match in text.matches(of: pattern) {
                    thrown.insert(String(match.output[1].substring!))
                }
            }
        }
        // Errors that only the crypto key ring and command-line tools raise never reach an HTTP client.
        let offline: Set<String> = ["key_rotation_refused", "crypto_profile_unknown", "key_unknown", "ciphertext_invalid",
                                    "crypto_failure", "crypto_key_invalid", "key_ring_invalid", "key_ring_unavailable",
                                    "staff_exists", "role_invalid", "username_invalid", "password_too_short",
                                    "hospital_code_invalid", "generator_channel_unsupported"]
        let undocumented = thrown.subtracting(documented).subtracting(offline)
        #expect(thrown.count > 40)
        #expect(undocumented.isEmpty, "error codes missing from ErrorCode in assets/openapi.yaml: \(undocumented.sorted())")
    }
}
