import Foundation
import Gateway
import Testing

@Suite struct PolicyShippedFilesTests {
    /// The repository's `policies/` folder, found from this file's path.
    static let shippedFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("policies").path

    @Test func shippedFilesValidateCleanly() throws {
        let report = PolicyCheckReport(directory: Self.shippedFolder)
        #expect(report.diagnostics.isEmpty, "\(report.diagnostics)")
        #expect(report.exitCode == 0)
        let policy = try #require(report.policy)
        #expect(
            policy.files == ["auth.yaml", "blocks.yaml", "network.yaml", "providers.yaml", "tiers.yaml", "users.yaml"])
    }

    @Test func shippedFilesMatchTheEmbeddedDefault() throws {
        let shipped = try PolicyLoader.load(directory: Self.shippedFolder)
        let embedded = Policy.embeddedDefault
        #expect(embedded.warnings.isEmpty)
        #expect(shipped.tiers.map(\.name) == embedded.tiers.map(\.name))
        #expect(shipped.tiers.map(\.summary) == embedded.tiers.map(\.summary))
        #expect(shipped.tiers.map(\.limits) == embedded.tiers.map(\.limits))
        #expect(shipped.tiers.map(\.providerChain) == embedded.tiers.map(\.providerChain))
        #expect(
            shipped.rules.map { "\($0.matcher) \($0.tier) \($0.note ?? "")" }
                == embedded.rules.map { "\($0.matcher) \($0.tier) \($0.note ?? "")" })
        #expect(shipped.network == embedded.network)
        #expect(shipped.admins.isEmpty && embedded.admins.isEmpty)
        #expect(shipped.blocks.isEmpty && embedded.blocks.isEmpty)
        #expect(
            shipped.providers.map {
                "\($0.name) \($0.kind) \($0.pricePerSecondMicros) \($0.startDeadlineSeconds ?? 0) \($0.totalDeadlineSeconds ?? 0) \($0.secretEnvironment) \($0.options.count)"
            }
                == embedded.providers.map {
                    "\($0.name) \($0.kind) \($0.pricePerSecondMicros) \($0.startDeadlineSeconds ?? 0) \($0.totalDeadlineSeconds ?? 0) \($0.secretEnvironment) \($0.options.count)"
                })
        #expect(shipped.auth.google == nil && embedded.auth.google == nil)
        #expect(
            shipped.auth.issuers.map { "\($0.name) \($0.issuers) \($0.jwksURL) \($0.clientIDs)" }
                == embedded.auth.issuers.map { "\($0.name) \($0.issuers) \($0.jwksURL) \($0.clientIDs)" })
    }

    @Test func shippedDefaultGivesEveryoneTheFreeTierOnTheLocalProvider() throws {
        let policy = try PolicyLoader.load(directory: Self.shippedFolder)
        let resolution = policy.resolve(
            email: "anyone@example.com", emailVerified: false, hostedDomain: nil, subject: "x")
        #expect(resolution.tier?.name == "free")
        #expect(resolution.providerChain == ["local"])
        #expect(policy.provider(named: "local")?.kind == .local)
    }

    @Test func checkExitsOneWithEveryErrorForAnInvalidFolder() throws {
        let folder = try PolicyFixtures.temporaryFolder([
            "tiers.yaml": "tiers:\n  - name: free\n    providers: [gpu]\n    limits: {max_steps: -1}\n"
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = PolicyCheckReport(directory: folder.path)
        #expect(report.exitCode == 1)
        #expect(report.lines.contains { $0.hasPrefix("tiers.yaml:3:17: error: no provider is named `gpu`") })
        #expect(report.lines.contains { $0.hasPrefix("tiers.yaml:4:25: error: `max_steps` is negative") })
        #expect(report.lines.last?.contains("INVALID: 2 errors") == true)
    }

    @Test func checkExitsZeroWithWarningsOnly() throws {
        let folder = try PolicyFixtures.temporaryFolder([
            "users.yaml": "users:\n  - default: true\n    tier: free\n  - default: true\n    tier: free\n"
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = PolicyCheckReport(directory: folder.path)
        #expect(report.exitCode == 0)
        #expect(report.lines.first?.hasPrefix("users.yaml:4:5: warning:") == true)
    }

    @Test func checkReportsAMissingOrEmptyFolder() throws {
        #expect(PolicyCheckReport(directory: "/nonexistent/policies").diagnostics.first?.code == .unreadableFile)
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("policy-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        let report = PolicyCheckReport(directory: empty.path)
        #expect(report.exitCode == 1)
        #expect(report.diagnostics.first?.code == .noPolicyFiles)
    }
}
