import ArgumentParser
import Gateway

/// `policy explain EMAIL`: which rule, tier and limits apply to a user.
struct PolicyExplain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show which rule matches a user and the tier and limits it grants."
    )

    @Argument(help: "The user's email address.")
    var email: String

    @Option(help: "The Google Workspace domain of the account (the token's hd claim).")
    var hostedDomain: String?

    @Option(help: "The issuer's user id (the token's sub claim).")
    var subject: String?

    @Flag(help: "Treat the email as unverified: it then matches only hosted_domain, subject and default rules.")
    var unverified = false

    @Option(help: "Folder of policy YAML files.")
    var policies = "policies"

    func run() throws {
        let policy: Policy
        do {
            policy = try PolicyLoader.load(directory: policies)
        } catch {
            for diagnostic in error.diagnostics { print(diagnostic) }
            print("\(policies): INVALID; fix the errors above first")
            throw ExitCode(1)
        }
        let resolution = policy.resolve(
            email: email, emailVerified: !unverified, hostedDomain: hostedDomain, subject: subject)
        print("\(email)\(unverified ? " (unverified)" : "")\(hostedDomain.map { ", hosted domain \($0)" } ?? "")")
        for line in resolution.explanation { print("  \(line)") }
    }
}
