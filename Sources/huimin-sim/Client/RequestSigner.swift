import HuiminCore

/// Signs integration-API calls the way a hospital terminal does:
/// hex HMAC-SHA256(secret, METHOD \n PATH \n TIMESTAMP \n NONCE \n hex SHA-256(body)).
struct RequestSigner: Sendable {
    let apiKey: String
    let apiSecret: String

    /// The four `X-Huimin-*` headers. `path` excludes the query string, as the server checks it.
    func headers(method: String, path: String, body: [UInt8], timestamp: Int, nonce: String) -> [(String, String)] {
        let signature = RequestSignature.hex(secret: Array(apiSecret.utf8), method: method, path: path,
                                             timestamp: String(timestamp), nonce: nonce, body: body)
        return [("X-Huimin-Key", apiKey), ("X-Huimin-Timestamp", String(timestamp)),
                ("X-Huimin-Nonce", nonce), ("X-Huimin-Signature", signature)]
    }
}
