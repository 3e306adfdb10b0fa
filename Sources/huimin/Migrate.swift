import ArgumentParser
import Database
import HuiminCore

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create or upgrade the database under HUIMIN_DATA.")

    func run() async throws {
        let configuration = Configuration()
        let database = try AppDatabase(path: configuration.databasePath)
        print("database \(configuration.databasePath) is \(await database.isReady() ? "up to date" : "NOT up to date")")
    }
}
