import HTTPTypes

/// The security headers of the web front's pages: a `Content-Security-Policy` that allows exactly what the pages
/// load (their own scripts and styles, images from `blob:` URLs the scripts make, API calls to this origin, and
/// Google's sign-in script and frame when Google sign-in is on), and who may frame them.
struct PageSecurityHeaders: Sendable {
    /// Google Identity Services' script, styles, frame and calls.
    static let googleScript = "https://accounts.google.com/gsi/client"
    static let googleStyle = "https://accounts.google.com/gsi/style"
    static let googleOrigin = "https://accounts.google.com/gsi/"

    /// Whether the page may load Google's sign-in.
    var googleSignIn: Bool
    /// Origins allowed to frame the page besides itself; nil forbids framing altogether.
    var frameAncestors: [EmbedOrigin]?

    var contentSecurityPolicy: String {
        let google = googleSignIn
        let ancestors = frameAncestors.map { (["'self'"] + $0.map(\.description)).joined(separator: " ") } ?? "'none'"
        return [
            "default-src 'none'",
            "script-src 'self'" + (google ? " \(Self.googleScript)" : ""),
            "style-src 'self'" + (google ? " \(Self.googleStyle)" : ""),
            "img-src 'self' blob:",
            "connect-src 'self'" + (google ? " \(Self.googleOrigin)" : ""),
            google ? "frame-src \(Self.googleOrigin)" : nil,
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors \(ancestors)",
        ].compactMap { $0 }.joined(separator: "; ")
    }

    /// The headers every page response carries.
    var fields: HTTPFields {
        var fields: HTTPFields = [
            .contentSecurityPolicy: contentSecurityPolicy,
            .xContentTypeOptions: "nosniff",
            .referrerPolicy: "strict-origin-when-cross-origin",
            // Google's sign-in opens a popup that must be able to report back to the page.
            .crossOriginOpenerPolicy: googleSignIn ? "same-origin-allow-popups" : "same-origin",
        ]
        if frameAncestors == nil { fields[.xFrameOptions] = "DENY" }
        return fields
    }
}

extension HTTPField.Name {
    static let referrerPolicy = Self("Referrer-Policy")!
    static let crossOriginOpenerPolicy = Self("Cross-Origin-Opener-Policy")!
    static let xFrameOptions = Self("X-Frame-Options")!
}
