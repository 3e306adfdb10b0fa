import Database

/// Reads the card usage table directly, as hospital IT would when auditing scans.
enum CardStoreProbe {
    static func usageCount(_ h: TestHarness, cardID: String) async throws -> Int {
        try await CardStore(database: h.services.database).usageCount(cardID: cardID)
    }
}
