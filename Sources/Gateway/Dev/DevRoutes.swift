import AuthKit
import Foundation
import Hummingbird
import NIOCore

/// `/dev/jwks.json` (the dev key set) and `/dev/login?email=...`: a JSON `{"id_token": ...}` for API clients,
/// a small sign-in page for browsers. Mounted only when the dev issuer is on.
struct DevRoutes: Sendable {
    let issuer: DevIssuer
    let clock: any WallClock

    struct Login: ResponseEncodable {
        var idToken: String
        var tokenType = "Bearer"
        var expiresIn: Int64
        var email: String
        enum CodingKeys: String, CodingKey {
            case email
            case idToken = "id_token"
            case tokenType = "token_type"
            case expiresIn = "expires_in"
        }
    }

    func register(on group: RouterGroup<GatewayRequestContext>) {
        group.get("jwks.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json", .cacheControl: "public, max-age=3600"],
                body: .init(byteBuffer: ByteBuffer(bytes: issuer.key.keySetDocument())))
        }
        group.get("login", use: login)
    }

    @Sendable func login(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let wantsJSON =
            request.uri.queryParameters.get("format") == "json"
            || (request.headers[.accept] ?? "").contains("application/json")
        guard let email = request.uri.queryParameters.get("email") else {
            if wantsJSON {
                throw GatewayError.invalidParameter("email", "pass `email` in the query", status: .badRequest)
            }
            return Self.page(Self.form)
        }
        guard (3...254).contains(email.utf8.count), email.contains("@"), !email.contains(where: \.isWhitespace) else {
            throw GatewayError.invalidParameter("email", "`email` must be an email address")
        }
        let name = request.uri.queryParameters.get("name").map { String($0) }
        let token = try issuer.token(email: String(email), name: name, now: clock.now())
        if wantsJSON {
            return try Login(idToken: token, expiresIn: issuer.tokenLifetimeSeconds, email: String(email))
                .response(from: request, context: context)
        }
        return Self.page(
            """
            <p>Signed in as <b>\(Self.escape(String(email)))</b>. Your ID token (valid \(issuer.tokenLifetimeSeconds / 60) min):</p>
            <textarea id="token" rows="8" cols="90" readonly>\(token)</textarea>
            <p>Use it as <code>Authorization: Bearer &lt;token&gt;</code>, e.g.</p>
            <pre>curl -H "Authorization: Bearer $TOKEN" http://HOST/v1/me</pre>
            <script>sessionStorage.setItem("id_token", document.getElementById("token").value)</script>
            """)
    }

    static let form = """
        <p>Development sign-in: any email address works. Tokens come from this gateway's own key.</p>
        <form method="get" action="/dev/login">
          <input type="email" name="email" placeholder="you@example.com" required>
          <button type="submit">Sign in</button>
        </form>
        """

    static func page(_ content: String) -> Response {
        let html = """
            <!doctype html><html><head><meta charset="utf-8"><title>diffusion-gateway dev sign-in</title></head>
            <body style="font-family: sans-serif; max-width: 50rem; margin: 2rem auto">
            <h1>diffusion-gateway: dev sign-in</h1>
            \(content)
            </body></html>
            """
        return Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
