import Gateway
import Testing

@Suite struct PolicyMicroDollarsTests {
    @Test(arguments: [
        ("0.00026", Int64(260)), ("1", 1_000_000), ("0.50", 500_000), ("12.345678", 12_345_678),
        ("0.0000010", 1), ("0", 0), ("300", 300_000_000), ("+2.5", 2_500_000),
    ])
    func exactDecimalsBecomeMicros(text: String, micros: Int64) {
        #expect(MicroDollars.parse(text) == .success(micros))
    }

    @Test func refusesWhatIsNotAnExactAmount() {
        #expect(MicroDollars.parse("0.0000001") == .failure(.tooPrecise))
        #expect(MicroDollars.parse("0.1234567") == .failure(.tooPrecise))
        #expect(MicroDollars.parse("-1") == .failure(.negative))
        for text in ["1e-4", "1.", ".5", "", "$1", "1,000", "0x10", "1.2.3", "nan"] {
            #expect(MicroDollars.parse(text) == .failure(.notADecimal), "\(text)")
        }
        #expect(MicroDollars.parse("9223372036854775807") == .failure(.tooLarge))
    }

    @Test func formatsWithoutTrailingZeros() {
        #expect(MicroDollars.format(260) == "0.00026")
        #expect(MicroDollars.format(5_000_000) == "5")
        #expect(MicroDollars.format(25_500_000) == "25.5")
    }

    @Test func policyAmountsAreExact() throws {
        let tiers = """
            tiers:
              - name: free
                providers: [local]
                limits: {spend_per_day_usd: 0.1, spend_per_month_usd: 0.3}
            """
        let policy = try PolicyLoader.load(PolicyFixtures.sources(["tiers.yaml": tiers]))
        let limits = try #require(policy.tier(named: "free")?.limits)
        #expect(limits.spendPerDayMicros == 100_000)
        #expect(limits.spendPerMonthMicros == 300_000)
    }
}
