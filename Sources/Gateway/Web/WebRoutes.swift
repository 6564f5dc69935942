import Foundation
import HTTPTypes
import Hummingbird

/// The web front: the generation page at `/` (and at `/embed` for iframes of the policy's `embed_origins`), the
/// ops dashboard at `/admin`, their files under `/web/`, and `/web/config.json` telling the pages how users sign
/// in. Pages and files need no token; everything they show comes from the API with the user's Bearer token.
struct WebRoutes: Sendable {
    let assets: WebAssets
    let policies: any LivePolicy
    /// With `--dev` the pages offer the dev sign-in instead of Google's.
    let devSignIn: Bool

    /// What the pages read before they sign anyone in.
    struct PageConfiguration: ResponseEncodable {
        var devSignIn: Bool
        /// The OAuth client id for Google's sign-in button; nil when Google sign-in is off (or in dev mode).
        var googleClientID: String?
        enum CodingKeys: String, CodingKey {
            case devSignIn = "dev_sign_in"
            case googleClientID = "google_client_id"
        }
    }

    func register(on router: Router<GatewayRequestContext>) {
        router.get("/") { request, _ in try page("index.html", request, embeddable: false) }
        router.get("embed") { request, _ in try page("index.html", request, embeddable: true) }
        router.get("admin") { request, _ in try page("admin.html", request, embeddable: false) }
        router.get("web/config.json") { _, _ in
            EditedResponse(headers: [.cacheControl: "no-store"], response: configuration)
        }
        router.get("web/:file", use: file)
    }

    var configuration: PageConfiguration {
        PageConfiguration(devSignIn: devSignIn, googleClientID: googleClientID)
    }

    private var googleClientID: String? {
        devSignIn ? nil : policies.policy.auth.google?.clientIDs.first
    }

    func page(_ name: String, _ request: Request, embeddable: Bool) throws -> Response {
        guard let asset = assets.pages[name] else { throw GatewayError.notFound("no such page") }
        let security = PageSecurityHeaders(
            googleSignIn: googleClientID != nil,
            frameAncestors: embeddable ? policies.policy.network.embedOrigins : nil)
        var headers = security.fields
        headers[.cacheControl] = "no-cache"
        return Self.respond(asset, request, headers: headers)
    }

    @Sendable func file(_ request: Request, context: GatewayRequestContext) throws -> Response {
        guard let name = context.parameters.get("file"), let asset = assets.files[name] else {
            throw GatewayError.notFound("no such file")
        }
        let versioned = request.uri.queryParameters.get("v") == asset.version
        return Self.respond(
            asset, request,
            headers: [
                .cacheControl: versioned ? "public, max-age=31536000, immutable" : "no-cache",
                .xContentTypeOptions: "nosniff",
            ])
    }

    /// The asset, or `304 Not Modified` when the client's `If-None-Match` names its current version.
    static func respond(_ asset: WebAsset, _ request: Request, headers: HTTPFields) -> Response {
        var headers = headers
        headers[.eTag] = asset.etag
        let cached = request.headers[values: .ifNoneMatch].flatMap { $0.split(separator: ",") }
            .contains { $0.trimmingCharacters(in: .whitespaces) == asset.etag }
        if cached { return Response(status: .notModified, headers: headers) }
        headers[.contentType] = asset.contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: asset.bytes))
    }
}
