import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// `docs/openapi.yaml` stays true to the code: every documented path and method is routed by the gateway.
@Suite struct OpenAPIDocumentTests {
    static let document = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/openapi.yaml")

    /// `(method, path)` pairs read from the document's `paths:` section.
    static func operations() throws -> [(HTTPRequest.Method, String)] {
        let text = try String(contentsOf: document, encoding: .utf8)
        var operations: [(HTTPRequest.Method, String)] = []
        var path: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "components:" { break }
            if line.hasPrefix("  /"), line.hasSuffix(":") {
                path = String(line.dropFirst(2).dropLast())
            } else if let path, line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":"),
                let method = HTTPRequest.Method(String(line.dropFirst(4).dropLast()).uppercased()),
                [.get, .post, .delete].contains(method)
            {
                operations.append((method, path))
            }
        }
        return operations
    }

    @Test func everyDocumentedOperationIsRouted() async throws {
        let operations = try Self.operations()
        #expect(operations.count == 24)
        let gateway = try TestGateway()
        try await gateway.live { client in
            let admin = try gateway.token("admin@example.com")
            for (method, path) in operations {
                let uri = path.replacingOccurrences(of: "{id}", with: "gen_unknown")
                    .replacingOccurrences(of: "{email}", with: "alice@example.com")
                let response = try await client.call(method, uri, token: admin, json: method == .post ? "{}" : nil)
                let unrouted =
                    response.status == .notFound
                    && (try? response.errorObject()["message"]) == "no such resource"
                #expect(!unrouted, "\(method) \(path) is documented but not routed")
                #expect(response.status.code < 500, "\(method) \(path) answered \(response.status)")
            }
        }
    }
}
