import Foundation
import HuiminCore

/// Where a newest-first page stopped: the last row's creation time and ID. The next page starts
/// strictly below it, so rows written meanwhile never shift a page (offsets would) and the look-up
/// stays one index range however deep a resident scrolls.
public struct Keyset: Sendable, Equatable {
    public var createdAt: Date
    public var id: String

    public init(createdAt: Date, id: String) {
        self.createdAt = createdAt
        self.id = id
    }

    /// `<unix milliseconds>.<id>`, the `nextCursor` a client hands back. Opaque to clients; the
    /// time alone would tie rows written in the same millisecond, hence the ID.
    public var token: String {
        "\(Int64((createdAt.timeIntervalSince1970 * 1000).rounded())).\(id)"
    }

    public init(token: String) throws {
        let parts = token.split(separator: ".", maxSplits: 1)
        guard parts.count == 2, let millis = Int64(parts[0]), millis >= 0, !parts[1].isEmpty, parts[1].count <= 64,
              parts[1].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw AppError.invalid("cursor_invalid", "The cursor is not one this server handed out; start again without it.")
        }
        self.init(createdAt: Date(timeIntervalSince1970: TimeInterval(millis) / 1000), id: String(parts[1]))
    }

    /// The SQL text of `createdAt`, as the columns store it.
    var at: String { createdAt.sqlText }
}

/// One page of rows, newest first, and the cursor of the next page when there may be one.
public struct KeysetPage<Item: Sendable>: Sendable {
    public var items: [Item]
    public var next: Keyset?

    public init(items: [Item], next: Keyset?) {
        self.items = items
        self.next = next
    }

    /// Builds a page from up to `limit + 1` rows: the extra row only says that more exist.
    init(rows: [Item], limit: Int, key: (Item) -> Keyset) {
        items = Array(rows.prefix(limit))
        next = rows.count > limit ? items.last.map(key) : nil
    }
}
