import ArgumentParser

/// `huimin-sim script-help`: the script language reference, generated from the command table.
struct ScriptHelpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "script-help", abstract: "Describe the .sim script language.")

    func run() {
        print("""
            A .sim script is one command per line. `# …` starts a comment. `${name}` inserts a
            variable; `-> name` at the end of a line saves the command's result into one. Values with
            spaces go in double quotes: name="张 三".

            """)
        for command in ScriptCommand.all {
            print("  \(command.usage)\n      \(command.summary)")
        }
        print("""

            expect forms (checked against the last response):
              expect status 201
              expect error sms_code_invalid
              expect json member.idNumber == "1101**********002X"   (== != < <= > >= contains matches)
              expect json members.length == 2
              expect json messages[event=queue.near_turn].urgent == true   ([field=value] picks the first match)
              expect json self exists | expect json self missing     (missing: absent or null)
            An API error that the next line does not `expect` counts as a failure.
            """)
    }
}
