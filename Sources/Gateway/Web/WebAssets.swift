import Foundation

/// The web front's files (pages, scripts, styles), read once from the binary's resources. Pages refer to the
/// other files as `/web/<name>`; those references are versioned with the file's content hash
/// (`/web/app.js?v=...`) when loaded, so the files can be cached for good while a page always gets the matching ones.
struct WebAssets: Sendable {
    /// Pages by name (`index.html`, `admin.html`), served at their own routes.
    let pages: [String: WebAsset]
    /// Scripts, styles and images by file name, served under `/web/`.
    let files: [String: WebAsset]

    /// Reads every file of `directory` (not recursive).
    init(directory: URL) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        var pageTexts: [String: String] = [:]
        var files: [String: WebAsset] = [:]
        for name in names {
            guard let type = WebAsset.contentType(ofFileNamed: name) else { continue }
            let data = try Data(contentsOf: directory.appendingPathComponent(name))
            if name.hasSuffix(".html") {
                pageTexts[name] = String(decoding: data, as: UTF8.self)
            } else {
                files[name] = WebAsset(bytes: [UInt8](data), contentType: type)
            }
        }
        self.files = files
        self.pages = pageTexts.mapValues { text in
            var page = text
            for (name, file) in files {
                page = page.replacingOccurrences(of: "\"/web/\(name)\"", with: "\"/web/\(name)?v=\(file.version)\"")
            }
            return WebAsset(bytes: Array(page.utf8), contentType: "text/html; charset=utf-8")
        }
    }

    /// The files shipped in the Gateway module's resources.
    static func bundled() throws -> WebAssets {
        guard let directory = Bundle.module.url(forResource: "Assets", withExtension: nil) else {
            throw GatewaySetupError.webAssets("the Assets folder is not in the resource bundle")
        }
        do {
            return try WebAssets(directory: directory)
        } catch {
            throw GatewaySetupError.webAssets("\(error.localizedDescription) (\(directory.path))")
        }
    }
}
