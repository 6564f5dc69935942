import ArgumentParser
import Gateway

/// `policy check DIR`: validates a policy folder offline; exit status 0 when valid, 1 when not (for CI).
struct PolicyCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a folder of policy files; print every error and warning with file:line:column.",
        discussion: "Exits with status 0 when the files are valid (warnings allowed) and 1 when they are not."
    )

    @Argument(help: "Folder of policy YAML files.")
    var directory = "policies"

    func run() throws {
        let report = PolicyCheckReport(directory: directory)
        for line in report.lines { print(line) }
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }
}
