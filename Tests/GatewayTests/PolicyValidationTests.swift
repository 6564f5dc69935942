import Gateway
import Testing

@Suite struct PolicyValidationTests {
    private func expect(
        _ diagnostic: PolicyDiagnostic?, _ severity: PolicyDiagnostic.Severity = .error, file: String, line: Int,
        column: Int, message: String, fix: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        guard let diagnostic else { return }
        #expect(diagnostic.severity == severity, sourceLocation: sourceLocation)
        #expect(
            diagnostic.location == PolicyLocation(file: file, line: line, column: column), "\(diagnostic)",
            sourceLocation: sourceLocation)
        #expect(diagnostic.message.contains(message), "\(diagnostic.message)", sourceLocation: sourceLocation)
        #expect(diagnostic.fix.contains(fix), "\(diagnostic.fix)", sourceLocation: sourceLocation)
    }

    @Test func baseFixtureIsValid() throws {
        let (policy, diagnostics) = PolicyLoader.check(PolicyFixtures.sources())
        #expect(policy != nil)
        #expect(diagnostics.isEmpty, "\(diagnostics)")
    }

    @Test func unknownKeySuggestsTheNearestKnownOne() {
        let tiers = """
            tiers:
              - name: free
                providers: [local]
                limits:
                  images_per_dya: 5
            """
        let diagnostic = PolicyFixtures.single(.unknownKey, in: ["tiers.yaml": tiers])
        expect(
            diagnostic, file: "tiers.yaml", line: 5, column: 7, message: "unknown key `images_per_dya`",
            fix: "did you mean `images_per_day`?")
    }

    @Test func unknownSchedulerIsRefused() {
        let tiers = """
            tiers:
              - name: free
                providers: [local]
                limits:
                  allowed_schedulers: [pndm, euler_ancestral]
            """
        let diagnostic = PolicyFixtures.single(.invalidValue, in: ["tiers.yaml": tiers])
        expect(
            diagnostic, file: "tiers.yaml", line: 5, column: 34, message: "unknown scheduler `euler_ancestral`",
            fix: "euler_a")
    }

    @Test func unknownTopLevelSection() {
        let diagnostic = PolicyFixtures.single(.unknownKey, in: ["extra.yaml": "tier:\n  - name: x\n"])
        expect(diagnostic, file: "extra.yaml", line: 1, column: 1, message: "unknown key `tier`", fix: "`tiers`")
    }

    @Test func quotedNumberIsTheWrongType() {
        let tiers = """
            tiers:
              - name: free
                providers: [local]
                limits:
                  max_steps: "30"
            """
        let diagnostic = PolicyFixtures.single(.wrongType, in: ["tiers.yaml": tiers])
        expect(
            diagnostic, file: "tiers.yaml", line: 5, column: 18, message: "`max_steps` must be a whole number",
            fix: "remove the quotes")
    }

    @Test func scalarWhereAListBelongsIsTheWrongType() {
        let tiers = """
            tiers:
              - name: free
                providers: local
                limits: {}
            """
        let diagnostic = PolicyFixtures.single(.wrongType, in: ["tiers.yaml": tiers])
        expect(diagnostic, file: "tiers.yaml", line: 3, column: 16, message: "must be a list", fix: "- item")
    }

    @Test func negativeCountIsRejected() {
        let tiers = """
            tiers:
              - name: free
                providers: [local]
                limits:
                  images_per_day: -1
            """
        let diagnostic = PolicyFixtures.single(.negativeNumber, in: ["tiers.yaml": tiers])
        expect(
            diagnostic, file: "tiers.yaml", line: 5, column: 23, message: "`images_per_day` is negative",
            fix: "write 0 to allow none")
    }

    @Test func negativeAmountIsRejected() {
        let tiers = """
            tiers:
              - name: free
                providers: [local]
                limits: {spend_per_month_usd: -0.5}
            """
        let diagnostic = PolicyFixtures.single(.negativeNumber, in: ["tiers.yaml": tiers])
        expect(
            diagnostic, file: "tiers.yaml", line: 4, column: 35, message: "`spend_per_month_usd` is negative",
            fix: "write 0 to allow no spending")
    }

    @Test func amountFinerThanAMicroDollarIsRejected() {
        let providers = """
            providers:
              - name: local
                kind: local
              - name: gpu
                kind: banana
                price_per_second_usd: 0.0000001
            """
        let diagnostic = PolicyFixtures.single(.tooPrecise, in: ["providers.yaml": providers])
        expect(
            diagnostic, file: "providers.yaml", line: 6, column: 27, message: "more than 6 decimal places",
            fix: "round to at most 6 decimal places")
    }

    @Test func unknownProviderInAChain() {
        let tiers = """
            tiers:
              - name: free
                providers: [local, bananna]
                limits: {}
            """
        let providers = """
            providers:
              - name: local
                kind: local
              - name: banana
                kind: banana
                price_per_second_usd: 0.00026
            """
        let diagnostic = PolicyFixtures.single(
            .unknownProvider, in: ["tiers.yaml": tiers, "providers.yaml": providers])
        expect(
            diagnostic, file: "tiers.yaml", line: 3, column: 24, message: "no provider is named `bananna`",
            fix: "did you mean `banana`?")
    }

    @Test func unknownTierInARule() {
        let users = """
            users:
              - email: a@example.com
                tier: pro
              - default: true
                tier: free
            """
        let diagnostic = PolicyFixtures.single(.unknownTier, in: ["users.yaml": users])
        expect(diagnostic, file: "users.yaml", line: 3, column: 11, message: "no tier is named `pro`", fix: "free")
    }

    @Test func duplicateTierAcrossFilesPointsAtBoth() {
        let extra = """
            # more tiers
            tiers:
              - name: free
                providers: [local]
                limits: {}
            """
        let diagnostic = PolicyFixtures.single(.duplicateName, in: ["zz-more.yaml": extra])
        expect(
            diagnostic, file: "zz-more.yaml", line: 3, column: 5,
            message: "a tier named `free` is already defined at tiers.yaml:2:5", fix: "rename one of them")
    }

    @Test func duplicateProviderInOneFile() {
        let providers = """
            providers:
              - name: local
                kind: local
              - name: local
                kind: local
            """
        let diagnostic = PolicyFixtures.single(.duplicateName, in: ["providers.yaml": providers])
        expect(
            diagnostic, file: "providers.yaml", line: 4, column: 5,
            message: "a provider named `local` is already defined at providers.yaml:2:5", fix: "rename one")
    }

    @Test func sectionDefinedInTwoFiles() {
        let network = "network:\n  deny: [10.0.0.0/8]\n"
        let diagnostic = PolicyFixtures.single(.duplicateName, in: ["a.yaml": network, "b.yaml": network])
        expect(
            diagnostic, file: "b.yaml", line: 2, column: 3, message: "`network:` is already defined at a.yaml:2:3",
            fix: "keep all of `network:` in one file")
    }

    @Test func keyWrittenTwiceInOneMapping() {
        let tiers = """
            tiers:
              - name: free
                name: paid
                providers: [local]
                limits: {}
            """
        let diagnostic = PolicyFixtures.single(.duplicateName, in: ["tiers.yaml": tiers])
        expect(diagnostic, file: "tiers.yaml", line: 2, column: 5, message: "written twice", fix: "keep one")
    }

    @Test func inlineSecretMustBeAnEnvironmentReference() {
        let providers = """
            providers:
              - name: local
                kind: local
              - name: banana
                kind: banana
                price_per_second_usd: 0.00026
                api_key: sk-1234567890abcdef
            """
        let diagnostic = PolicyFixtures.single(.inlineSecret, in: ["providers.yaml": providers])
        expect(
            diagnostic, file: "providers.yaml", line: 7, column: 5, message: "`api_key` holds a secret inline",
            fix: "replace it with `api_key_env: NAME_OF_VARIABLE`")
    }

    @Test func secretPastedIntoAnEnvironmentKey() {
        let providers = """
            providers:
              - name: local
                kind: local
              - name: banana
                kind: banana
                price_per_second_usd: 0.00026
                api_key_env: sk-1234567890abcdef
            """
        let diagnostic = PolicyFixtures.single(.inlineSecret, in: ["providers.yaml": providers])
        expect(
            diagnostic, file: "providers.yaml", line: 7, column: 18, message: "looks like the secret itself",
            fix: "`api_key_env: BANANA_API_KEY`")
    }

    @Test func secretInsideOptions() {
        let providers = """
            providers:
              - name: local
                kind: local
                options:
                  model: sd-1.4
                  hf_token: hf_abcdef
            """
        let diagnostic = PolicyFixtures.single(.inlineSecret, in: ["providers.yaml": providers])
        expect(diagnostic, file: "providers.yaml", line: 6, column: 7, message: "`hf_token`", fix: "hf_token_env")
    }

    @Test func environmentReferencesAreAccepted() throws {
        let providers = """
            providers:
              - name: local
                kind: local
              - name: banana
                kind: banana
                url: https://api.banana.dev
                price_per_second_usd: 0.00026
                api_key_env: BANANA_API_KEY
                model_key_env: BANANA_MODEL_KEY
                options: {max_tokens: 5, inputs: [prompt]}
            """
        let policy = try PolicyLoader.load(PolicyFixtures.sources(["providers.yaml": providers]))
        let banana = try #require(policy.provider(named: "banana"))
        #expect(banana.secretEnvironment == ["api_key": "BANANA_API_KEY", "model_key": "BANANA_MODEL_KEY"])
        #expect(banana.pricePerSecondMicros == 260)
        #expect(banana.endpoint == "https://api.banana.dev")
        #expect(banana.options["max_tokens"]?.scalar == "5")
    }

    @Test func unknownProviderKind() {
        let providers = "providers:\n  - name: local\n    kind: lokal\n"
        let diagnostic = PolicyFixtures.single(.invalidValue, in: ["providers.yaml": providers])
        expect(
            diagnostic, file: "providers.yaml", line: 3, column: 11, message: "unknown provider kind `lokal`",
            fix: "did you mean `local`?")
    }

    @Test func missingRequiredKey() {
        let tiers = "tiers:\n  - name: free\n    providers: [local]\n"
        let diagnostic = PolicyFixtures.single(.missingKey, in: ["tiers.yaml": tiers])
        expect(diagnostic, file: "tiers.yaml", line: 2, column: 5, message: "has no `limits`", fix: "add `limits:")
    }

    @Test func remoteProviderNeedsAPrice() {
        let providers = "providers:\n  - name: local\n    kind: local\n  - name: gpu\n    kind: runpod\n"
        let diagnostic = PolicyFixtures.single(.missingKey, in: ["providers.yaml": providers])
        expect(
            diagnostic, file: "providers.yaml", line: 4, column: 5, message: "no `price_per_second_usd`",
            fix: "price_per_second_usd: 0.00026")
    }

    @Test func malformedCIDR() {
        let network = "network:\n  deny: [10.0.0.0/33, 2001:db8::/32]\n"
        let diagnostic = PolicyFixtures.single(.invalidValue, in: ["network.yaml": network])
        expect(
            diagnostic, file: "network.yaml", line: 2, column: 10, message: "`10.0.0.0/33` is not an IP address",
            fix: "203.0.113.0/24")
    }

    @Test func halfWrittenFileIsInvalidYAML() {
        let tiers = "tiers:\n  - name: free\n    providers: [local\n"
        let diagnostic = PolicyFixtures.single(.invalidYAML, in: ["tiers.yaml": tiers])
        #expect(diagnostic?.location.file == "tiers.yaml")
        #expect(diagnostic?.location.line == 4)
        #expect(diagnostic?.fix.contains("half-way through an edit") == true)
    }

    @Test func ruleAfterTheDefaultIsUnreachable() throws {
        let users = """
            users:
              - default: true
                tier: free
              - email: a@example.com
                tier: free
            """
        let diagnostic = PolicyFixtures.single(.unreachableRule, in: ["users.yaml": users])
        expect(
            diagnostic, .warning, file: "users.yaml", line: 4, column: 5,
            message: "the earlier rule `default: true` at users.yaml:2:5", fix: "move this rule above users.yaml:2:5")
        #expect(try PolicyLoader.load(PolicyFixtures.sources(["users.yaml": users])).warnings.count == 1)
    }

    @Test func emailAfterItsDomainIsUnreachable() {
        let users = """
            users:
              - email_domain: "*.example.com"
                tier: free
              - email: Bob@Team.Example.com
                tier: free
              - default: true
                tier: free
            """
        let diagnostic = PolicyFixtures.single(.unreachableRule, in: ["users.yaml": users])
        expect(
            diagnostic, .warning, file: "users.yaml", line: 4, column: 5,
            message: "rule `email: bob@team.example.com` can never apply", fix: "move this rule above")
    }

    @Test func duplicateRuleIsUnreachable() {
        let users = """
            users:
              - hosted_domain: example.com
                tier: free
              - hosted_domain: EXAMPLE.com
                tier: free
              - default: true
                tier: free
            """
        let diagnostic = PolicyFixtures.single(.unreachableRule, in: ["users.yaml": users])
        expect(
            diagnostic, .warning, file: "users.yaml", line: 4, column: 5, message: "can never apply", fix: "remove it")
    }

    @Test func domainAfterTheSameWorkspaceDomainOverlaps() {
        let users = """
            users:
              - hosted_domain: example.com
                tier: free
              - email_domain: example.com
                tier: free
              - default: true
                tier: free
            """
        let diagnostic = PolicyFixtures.single(.overlappingRule, in: ["users.yaml": users])
        expect(
            diagnostic, .warning, file: "users.yaml", line: 4, column: 5,
            message: "overlaps the earlier rule `hosted_domain: example.com`", fix: "more specific rule first")
    }

    @Test func missingDefaultRuleIsAWarning() {
        let users = "users:\n  - email: a@example.com\n    tier: free\n"
        let diagnostic = PolicyFixtures.single(.noDefaultRule, in: ["users.yaml": users])
        expect(
            diagnostic, .warning, file: "users.yaml", line: 2, column: 5, message: "no `default: true` rule", fix: "add"
        )
    }

    @Test func ruleNeedsExactlyOneMatcher() {
        let users = "users:\n  - email: a@example.com\n    subject: \"42\"\n    tier: free\n"
        let diagnostic = PolicyFixtures.single(.invalidValue, in: ["users.yaml": users])
        expect(
            diagnostic, file: "users.yaml", line: 2, column: 5, message: "has `email` and `subject`",
            fix: "exactly one of")
    }

    @Test func everyErrorOfTheSetIsReportedAtOnce() {
        let tiers = """
            tiers:
              - name: free
                providers: [nowhere]
                limits: {max_steps: -5, images_per_day: lots}
            """
        let errors = PolicyFixtures.diagnostics(["tiers.yaml": tiers]).filter { $0.severity == .error }
        #expect(Set(errors.map(\.code)) == [.unknownProvider, .negativeNumber, .wrongType])
    }
}
