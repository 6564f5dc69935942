import Gateway
import Testing

@Suite struct PolicyNetworkTests {
    private func address(_ text: String) throws -> IPAddress { try #require(IPAddress(text)) }
    private func block(_ text: String) throws -> CIDR { try #require(CIDR(text)) }

    @Test func ipv4BlocksMatchByPrefix() throws {
        #expect(try block("10.0.0.0/8").contains(address("10.255.1.2")))
        #expect(try !block("10.0.0.0/8").contains(address("11.0.0.1")))
        #expect(try block("172.16.0.0/12").contains(address("172.31.255.255")))
        #expect(try !block("172.16.0.0/12").contains(address("172.32.0.0")))
        #expect(try block("203.0.113.7").contains(address("203.0.113.7")))
        #expect(try !block("203.0.113.7").contains(address("203.0.113.8")))
        #expect(try block("0.0.0.0/0").contains(address("198.51.100.1")))
    }

    @Test func ipv6BlocksMatchByPrefix() throws {
        #expect(try block("2001:db8::/32").contains(address("2001:db8:ffff::1")))
        #expect(try !block("2001:db8::/32").contains(address("2001:db9::1")))
        #expect(try block("2001:db8:abcd:12::/63").contains(address("2001:db8:abcd:13::5")))
        #expect(try !block("2001:db8:abcd:12::/63").contains(address("2001:db8:abcd:14::5")))
        #expect(try block("::1").contains(address("::1")))
    }

    @Test func familiesNeverMatchEachOther() throws {
        #expect(try !block("0.0.0.0/0").contains(address("2001:db8::1")))
        #expect(try !block("::/0").contains(address("192.0.2.1")))
    }

    @Test func ipv4MappedAddressesAreIPv4() throws {
        let mapped = try address("::ffff:10.1.2.3")
        #expect(mapped.family == .v4)
        #expect(mapped == (try address("10.1.2.3")))
        #expect(try block("::ffff:10.0.0.0/104").contains(address("10.9.9.9")))
    }

    @Test func blocksAreNormalisedAndPrinted() throws {
        #expect(try block("10.1.2.3/8").description == "10.0.0.0/8")
        #expect(try block("2001:DB8::1/32").description == "2001:db8::/32")
    }

    @Test func malformedAddressesAndBlocksAreRefused() {
        for text in [
            "10.0.0.0/33", "10.0.0.0/", "1.2.3", "::g", "abc", "", "10.0.0.0/8/8", "2001:db8::/129", "1.2.3.4/-1",
        ] {
            #expect(CIDR(text) == nil, "\(text)")
        }
        #expect(IPAddress("1.2.3.4:80") == nil)
    }

    @Test func forwardedForIsBelievedOnlyFromTrustedProxies() throws {
        let proxies = [try block("10.0.0.0/8")]
        let fromProxy = clientIP(
            remote: try address("10.0.0.5"), forwardedFor: ["1.2.3.4, 203.0.113.7, 10.0.0.9"], trustedProxies: proxies)
        #expect(fromProxy == (try address("203.0.113.7")))
        let direct = clientIP(
            remote: try address("198.51.100.1"), forwardedFor: ["1.2.3.4"], trustedProxies: proxies)
        #expect(direct == (try address("198.51.100.1")))
    }

    @Test func spoofedLeftmostEntriesAreIgnored() throws {
        let proxies = [try block("10.0.0.0/8")]
        let spoofed = clientIP(
            remote: try address("10.0.0.5"), forwardedFor: ["10.0.0.1, 198.51.100.9", "203.0.113.7"],
            trustedProxies: proxies)
        #expect(spoofed == (try address("203.0.113.7")))
    }

    @Test func chainOfOnlyProxiesGivesTheLeftmostHop() throws {
        let proxies = [try block("10.0.0.0/8")]
        let result = clientIP(
            remote: try address("10.0.0.5"), forwardedFor: ["10.0.0.2, 10.0.0.3"], trustedProxies: proxies)
        #expect(result == (try address("10.0.0.2")))
    }

    @Test func unparsableHopStopsAtTheProxy() throws {
        let proxies = [try block("10.0.0.0/8")]
        let result = clientIP(remote: try address("10.0.0.5"), forwardedFor: ["unknown"], trustedProxies: proxies)
        #expect(result == (try address("10.0.0.5")))
    }

    @Test func ipv6HopsWithBracketsAndPorts() throws {
        let proxies = [try block("2001:db8:1::/48")]
        let result = clientIP(
            remote: try address("2001:db8:1::10"), forwardedFor: ["[2001:db8:2::7]:443"], trustedProxies: proxies)
        #expect(result == (try address("2001:db8:2::7")))
        #expect(IPAddress(forwardedForHop: " 192.0.2.1:8080 ") == (try address("192.0.2.1")))
    }

    @Test func denyWinsOverAllow() throws {
        let network = NetworkPolicy(allow: [try block("10.0.0.0/8")], deny: [try block("10.6.0.0/16")])
        #expect(network.admits(try address("10.1.1.1")))
        #expect(!network.admits(try address("10.6.1.1")))
        #expect(!network.admits(try address("192.0.2.1")))
        #expect(NetworkPolicy().admits(try address("192.0.2.1")))
    }

    @Test func networkSectionIsParsed() throws {
        let network = """
            network:
              allow: [10.0.0.0/8, "2001:db8::/32"]
              deny: [10.6.0.0/16]
              trusted_proxies: [127.0.0.1]
              rate_limits: {unauthenticated_requests_per_minute: 30, failed_auth_per_minute: 0}
            """
        let policy = try PolicyLoader.load(PolicyFixtures.sources(["network.yaml": network]))
        #expect(policy.network.allow.count == 2)
        #expect(policy.network.unauthenticatedRequestsPerMinute == 30)
        #expect(policy.network.failedAuthPerMinute == 0)
        let client = policy.network.clientAddress(remote: try address("127.0.0.1"), forwardedFor: ["192.0.2.4"])
        #expect(client == (try address("192.0.2.4")))
    }
}
