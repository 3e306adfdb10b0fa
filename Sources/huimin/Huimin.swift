import ArgumentParser

@main
struct Huimin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "huimin",
        abstract: "惠民 Huimin: resident services and messaging for a regional health platform.",
        subcommands: [Serve.self, Worker.self, SandboxCommand.self, Migrate.self, Admin.self, Reconcile.self, Bench.self, Import.self, DemoStudy.self,
                      Store.self],
        defaultSubcommand: Serve.self)
}
