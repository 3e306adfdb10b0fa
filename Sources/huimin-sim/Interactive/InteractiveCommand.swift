import ArgumentParser

/// `huimin-sim` / `huimin-sim interactive`: numbered menus, as a tester clicking through the
/// mini-program would.
struct InteractiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "interactive",
        abstract: "Numbered menus: log in, register, manage family, show the card QR, verify as a terminal, book and check in.")

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let session = InteractiveSession(connection: SimConnection(options: connection, transcript: Transcript()))
        do {
            try await session.run()
        } catch is Prompt.EndOfInput {
            Console.line()
        }
    }
}
