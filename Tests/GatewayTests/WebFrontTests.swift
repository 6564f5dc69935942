import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Gateway

/// The web front: pages and files from the binary's resources with their content types, caching and security
/// headers, the embed page's allowed parents from the policy, and how the pages learn to sign users in.
@Suite struct WebFrontTests {
    static let embedPolicy = TestGateway.policy(
        network:
            "{trusted_proxies: [127.0.0.1], embed_origins: [https://pages.example.com, \"https://*.example.org:8443\"]}"
    )

    @Test func pagesCarryTheirSecurityHeaders() async throws {
        let gateway = try TestGateway(policy: Self.embedPolicy)
        try await gateway.live { client in
            let page = try await client.call(.get, "/")
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.headers[.cacheControl] == "no-cache")
            #expect(page.headers[.xFrameOptions] == "DENY")
            #expect(page.headers[.xContentTypeOptions] == "nosniff")
            let csp = try #require(page.headers[.contentSecurityPolicy])
            #expect(csp.contains("default-src 'none'"))
            #expect(csp.contains("script-src 'self';"))
            #expect(csp.contains("img-src 'self' blob:"))
            #expect(csp.contains("connect-src 'self';"))
            #expect(csp.contains("frame-ancestors 'none'"))
            #expect(!csp.contains("accounts.google.com"), "dev mode offers the dev sign-in, not Google's")
            let html = String(buffer: page.body)
            #expect(html.contains("<form id=\"generate\""))
            #expect(html.contains("/web/app.js?v="))

            let embed = try await client.call(.get, "/embed")
            #expect(embed.status == .ok)
            #expect(embed.headers[.xFrameOptions] == nil)
            #expect(
                embed.headers[.contentSecurityPolicy]?.contains(
                    "frame-ancestors 'self' https://pages.example.com https://*.example.org:8443") == true)

            let admin = try await client.call(.get, "/admin")
            #expect(admin.status == .ok)
            #expect(String(buffer: admin.body).contains("/web/admin.js?v="))
            #expect(admin.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
        }
    }

    @Test func filesAreVersionedCachedAndRevalidated() async throws {
        let gateway = try TestGateway()
        try await gateway.live { client in
            let html = String(buffer: try await client.call(.get, "/").body)
            let link = try #require(html.firstMatch(of: /"(\/web\/app\.js\?v=[0-9a-f]{16})"/)?.1)
            let script = try await client.call(.get, String(link))
            #expect(script.status == .ok)
            #expect(script.headers[.contentType] == "text/javascript; charset=utf-8")
            #expect(script.headers[.cacheControl] == "public, max-age=31536000, immutable")
            let etag = try #require(script.headers[.eTag])
            #expect(String(buffer: script.body).contains("followEvents"))

            let again = try await client.call(.get, String(link), headers: [.ifNoneMatch: etag])
            #expect(again.status == .notModified)
            #expect(again.body.readableBytes == 0)

            let unversioned = try await client.call(.get, "/web/app.js")
            #expect(unversioned.headers[.cacheControl] == "no-cache")
            let style = try await client.call(.get, "/web/style.css")
            #expect(style.headers[.contentType] == "text/css; charset=utf-8")
            let icon = try await client.call(.get, "/web/icon.svg")
            #expect(icon.headers[.contentType] == "image/svg+xml")

            let missing = try await client.call(.get, "/web/secrets.js")
            #expect(missing.status == .notFound)
            #expect(try missing.errorObject()["code"] == "not_found")
            let traversal = try await client.call(.get, "/web/..%2FPackage.swift")
            #expect(traversal.status == .notFound)
        }
    }

    @Test func configurationOffersTheDevSignInInDevMode() async throws {
        let gateway = try TestGateway()
        try await gateway.live { client in
            let configuration = try await client.call(.get, "/web/config.json")
            #expect(configuration.status == .ok)
            #expect(configuration.headers[.cacheControl] == "no-store")
            let object = try configuration.jsonObject()
            #expect(object["dev_sign_in"] as? Bool == true)
            #expect(object["google_client_id"] == nil)
        }
    }

    @Test func configurationAndPolicyAllowGoogleSignInWithThePolicysClientID() async throws {
        let policy =
            TestGateway.policy() + """

                auth:
                  google:
                    client_ids: [1234-abc.apps.googleusercontent.com, 5678-def.apps.googleusercontent.com]
                """
        let gateway = try TestGateway(policy: policy) { $0.devSignIn = false }
        try await gateway.live { client in
            let object = try await client.call(.get, "/web/config.json").jsonObject()
            #expect(object["dev_sign_in"] as? Bool == false)
            #expect(object["google_client_id"] as? String == "1234-abc.apps.googleusercontent.com")
            let csp = try #require(try await client.call(.get, "/").headers[.contentSecurityPolicy])
            #expect(csp.contains("script-src 'self' https://accounts.google.com/gsi/client;"))
            #expect(csp.contains("frame-src https://accounts.google.com/gsi/;"))
            #expect(csp.contains("connect-src 'self' https://accounts.google.com/gsi/;"))
            #expect(csp.contains("style-src 'self' https://accounts.google.com/gsi/style;"))
        }
    }

    @Test func embedOriginsAreWebOriginsOnly() {
        #expect(EmbedOrigin("https://You.GitHub.io/")?.description == "https://you.github.io")
        #expect(EmbedOrigin("http://127.0.0.1:8000")?.description == "http://127.0.0.1:8000")
        #expect(EmbedOrigin("https://*.example.com")?.description == "https://*.example.com")
        for bad in [
            "you.github.io", "ftp://example.com", "https://example.com/path", "https://a b.com",
            "https://example.com; script-src *", "https://example.com:99999", "https://user@example.com",
            "https://", "https://-bad.com", "https://exa*mple.com", "'self'",
        ] {
            #expect(EmbedOrigin(bad) == nil, "\(bad)")
        }
    }

    @Test func aBadEmbedOriginIsRefusedWithItsPosition() {
        let network = """
            network:
              embed_origins: [https://ok.example.com, "https://evil.com; script-src *"]
            """
        let diagnostic = PolicyFixtures.single(.invalidValue, in: ["network.yaml": network])
        #expect(diagnostic?.location == PolicyLocation(file: "network.yaml", line: 2, column: 43))
        #expect(diagnostic?.message.contains("is not a web origin") == true)
    }

    /// Every error code the API documents has its own sentence in the page, and so does every job failure code.
    @Test func everyErrorCodeHasASentence() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let script = try String(
            contentsOf: root.appendingPathComponent("Sources/Gateway/Web/Assets/api.js"), encoding: .utf8)
        let openAPI = try String(contentsOf: root.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)
        let enumStart = try #require(
            openAPI.range(of: "            code:\n              type: string\n              enum:\n"))
        let codes = openAPI[enumStart.upperBound...].split(separator: "\n").prefix {
            $0.hasPrefix("                - ")
        }
        .map { $0.dropFirst("                - ".count) }
        #expect(codes.count >= 22)
        for code in codes {
            #expect(script.contains("\n  \(code): "), "api.js has no sentence for the API error `\(code)`")
        }
        for code in [
            "cancelled", "interrupted", "no_provider_available", "provider_not_allowed", "unsupported_request",
            "provider_rejected", "provider_error",
        ] {
            let failures = try #require(script.range(of: "const JOB_FAILURES = {"))
            #expect(
                script[failures.upperBound...].contains("\n  \(code): "), "no sentence for the job failure `\(code)`")
        }
    }
}
