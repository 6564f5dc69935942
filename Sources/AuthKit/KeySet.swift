/// The verification keys of one issuer, by `kid`.
public struct KeySet: Sendable {
    /// Usable keys by key id.
    public let keys: [String: RSAPublicKey]
    /// Why entries of the document were left out (wrong `kty`, `use`, `alg`, too small, ...), for logs.
    public let skipped: [String]

    public init(keys: [String: RSAPublicKey], skipped: [String] = []) {
        self.keys = keys
        self.skipped = skipped
    }

    /// Parses a JWKS (`{"keys": [...]}`) or a Google v1 certificate map (`{"kid": "-----BEGIN CERTIFICATE..."}`),
    /// keeping the keys that pass the rules; throws when the document is not one of these or no key is usable.
    public init(document: [UInt8], minimumBits: Int = RSAPublicKey.minimumTokenKeyBits) throws(KeySetError) {
        let root: [String: JSONValue]
        do {
            guard let object = try StrictJSONParser().parse(document).objectValue else {
                throw KeySetError("key set document is not a JSON object")
            }
            root = object
        } catch let error as JSONParseError {
            throw KeySetError("key set document: \(error.message)")
        } catch {
            throw error as! KeySetError
        }
        var keys: [String: RSAPublicKey] = [:]
        var skipped: [String] = []
        if let entries = root["keys"] {
            guard let list = entries.arrayValue else { throw KeySetError("keys is not an array") }
            for entry in list {
                do throws(KeySetError) {
                    guard let jwk = entry.objectValue else { throw KeySetError("a keys entry is not an object") }
                    let (kid, key) = try JSONWebKey.rsaKey(from: jwk, minimumBits: minimumBits)
                    guard keys.updateValue(key, forKey: kid) == nil else { throw KeySetError("duplicate kid \(kid)") }
                } catch {
                    skipped.append(error.message)
                }
            }
        } else {
            for (kid, value) in root {
                do throws(KeySetError) {
                    guard let pem = value.stringValue else { throw KeySetError("certificate \(kid) is not a string") }
                    let key = try RSAPublicKey(pemCertificate: pem)
                    guard key.bits >= minimumBits else {
                        throw KeySetError("certificate \(kid): \(key.bits)-bit modulus is below \(minimumBits) bits")
                    }
                    keys[kid] = key
                } catch {
                    skipped.append(error.message)
                }
            }
        }
        guard !keys.isEmpty else {
            throw KeySetError("no usable key in the document (\(skipped.joined(separator: "; ")))")
        }
        self.keys = keys
        self.skipped = skipped
    }
}
