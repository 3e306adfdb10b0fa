import ArgumentParser

/// The terminal simulator: drives the resident mini-program flows (and a hospital terminal's
/// card check) against a running Huimin server whose channels point at the sandbox.
@main
struct HuiminSim: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "huimin-sim",
        abstract: "Drive Huimin's mini-program flows from a terminal, by menu or by script.",
        subcommands: [InteractiveCommand.self, RunCommand.self, ScriptHelpCommand.self, LoadCommand.self],
        defaultSubcommand: InteractiveCommand.self)
}
