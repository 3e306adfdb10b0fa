import ArgumentParser
import Foundation

/// `huimin-sim run FILE...`: runs `.sim` scripts and prints a transcript; exits non-zero if any
/// expectation or step failed.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run .sim scripts (see `huimin-sim script-help`).")

    @OptionGroup var connection: ConnectionOptions

    @Flag(help: "Carry on after a failure and report all failures at the end.")
    var keepGoing = false

    @Option(name: .customLong("var"), help: ArgumentHelp("Set a script variable before each script runs.", valueName: "name=value"))
    var presets: [String] = []

    @Argument(help: "Script files, run in order, each with a fresh session and variables.")
    var files: [String]

    func run() async throws {
        // Parse everything first: a typo in the last file should not wait for the first to run.
        var scripts: [(String, [ScriptStatement])] = []
        for file in files {
            guard let source = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw Self.scriptProblem("cannot read \(file)")
            }
            do {
                scripts.append((file, try ScriptParser.parse(source, file: file)))
            } catch {
                throw Self.scriptProblem(error.description)
            }
        }
        var variables: [String: String] = [:]
        for preset in presets {
            guard let (name, value) = ScriptLexer.option(preset) else { throw ValidationError("--var takes name=value, got \(preset)") }
            variables[name] = value
        }
        let transcript = Transcript()
        var passed = 0
        var failed = 0
        for (file, statements) in scripts {
            transcript.emit("== \(file)")
            let runner = ScriptRunner(connection: SimConnection(options: connection, transcript: transcript),
                                      variables: variables, keepGoing: keepGoing)
            let finished = await runner.run(statements)
            passed += runner.passed
            failed += runner.failed
            if !finished { break }
        }
        transcript.emit("\(passed) passed, \(failed) failed")
        if failed > 0 { throw ExitCode.failure }
    }

    /// A script that cannot run at all: said on stderr, exit status 2, no usage text (the command
    /// line was fine).
    private static func scriptProblem(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        return ExitCode(2)
    }
}
