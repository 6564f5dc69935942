import ArgumentParser

/// `policy ...`: offline tools for the YAML policy files ops edit.
struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Check policy files and explain what they grant.",
        subcommands: [PolicyCheck.self, PolicyExplain.self]
    )
}
