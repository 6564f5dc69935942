import AuthKit
import Locking

/// A test double for a key-set endpoint: serves a document held in memory (or fails when it has none) and counts fetches.
final class CountingKeySetSource: KeySetSource {
    struct Unavailable: Error {}

    private let state: LockedState<(document: KeySetDocument?, fetches: Int)>

    init(_ document: KeySetDocument?) {
        state = LockedState((document, 0))
    }

    convenience init(keys: [DevSigningKey], maxAge: Int64? = 3600) {
        let jwks = JSONValue.object(["keys": .array(keys.map { .object($0.publicJWK) })]).serialized()
        self.init(KeySetDocument(body: jwks, maxAge: maxAge))
    }

    var fetches: Int { state.withLock { $0.fetches } }

    func fetch() async throws -> KeySetDocument {
        let document = state.withLock { state in
            state.fetches += 1
            return state.document
        }
        guard let document else { throw Unavailable() }
        return document
    }
}
