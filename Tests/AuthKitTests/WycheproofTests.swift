import AuthKit
import Foundation
import Testing

/// Google's Wycheproof vectors for RSASSA-PKCS1-v1_5 with SHA-256 and for RS256 JSON Web Signatures.
///
/// The data stays in the shared folder (`WYCHEPROOF_DIR`, else `../shared/testdata/wycheproof` next to the
/// package root); when it is missing these tests fail and say where they looked.
///
/// `acceptable` RSA cases are all flagged `MissingNull` (a DigestInfo without the NULL algorithm parameter).
/// OpenSSL's verifier rejects them and so do we: the stricter reading, asserted here.
@Suite struct WycheproofTests {
    static let directory: URL = {
        if let path = ProcessInfo.processInfo.environment["WYCHEPROOF_DIR"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return packageRoot.appendingPathComponent("../shared/testdata/wycheproof").standardizedFileURL
    }()

    private func load(_ name: String) throws -> [String: Any] {
        let url = Self.directory.appendingPathComponent(name)
        let data = try #require(
            FileManager.default.contents(atPath: url.path),
            "Wycheproof vectors missing: looked for \(url.path) (set WYCHEPROOF_DIR to the folder holding \(name))")
        return try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    private static func hex(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    @Test(arguments: [
        "rsa_signature_2048_sha256_test.json", "rsa_signature_3072_sha256_test.json",
        "rsa_signature_4096_sha256_test.json",
    ])
    func rsaPKCS1SHA256(file: String) throws {
        let document = try load(file)
        let groups = try #require(document["testGroups"] as? [[String: Any]])
        var counts: [String: Int] = [:]
        for group in groups {
            let publicKey = try #require(group["publicKey"] as? [String: Any])
            let key = try RSAPublicKey(
                modulus: Self.hex(try #require(publicKey["modulus"] as? String)),
                exponent: Self.hex(try #require(publicKey["publicExponent"] as? String)))
            #expect(key.bits >= RSAPublicKey.minimumTokenKeyBits, "every Wycheproof key here is at least 2048 bits")
            for test in try #require(group["tests"] as? [[String: Any]]) {
                let tcId = test["tcId"] as? Int ?? -1
                let result = try #require(test["result"] as? String)
                let flags = test["flags"] as? [String] ?? []
                let verified = key.verify(
                    signature: Self.hex(try #require(test["sig"] as? String)),
                    message: Self.hex(try #require(test["msg"] as? String)))
                switch result {
                case "valid": #expect(verified, "\(file) tcId \(tcId) must verify")
                case "invalid": #expect(!verified, "\(file) tcId \(tcId) \(flags) must not verify")
                default:
                    #expect(flags == ["MissingNull"], "\(file) tcId \(tcId): unexpected acceptable flags \(flags)")
                    #expect(!verified, "\(file) tcId \(tcId): DigestInfo without NULL is refused")
                }
                counts[result, default: 0] += 1
            }
        }
        #expect(counts["valid", default: 0] >= 7)
        #expect(counts["invalid", default: 0] >= 249)
    }

    @Test func jsonWebSignatureRS256() throws {
        let document = try load("json_web_signature_test.json")
        let groups = try #require(document["testGroups"] as? [[String: Any]])
        var checked = 0
        for group in groups {
            guard let jwk = (group["public"] ?? group["private"]) as? [String: Any], jwk["n"] != nil,
                (jwk["alg"] as? String ?? "RS256") == "RS256"
            else { continue }
            let jwks = try JSONSerialization.data(withJSONObject: ["keys": [jwk]])
            let keySet = try? KeySet(document: Array(jwks))
            for test in try #require(group["tests"] as? [[String: Any]]) {
                let tcId = test["tcId"] as? Int ?? -1
                let token = try #require(test["jws"] as? String)
                let expected = try #require(test["result"] as? String)
                var accepted = false
                if let keySet, let jws = try? CompactJWS(parsing: token) {
                    accepted = (try? jws.verifySignature(with: keySet)) != nil
                }
                #expect(accepted == (expected == "valid"), "tcId \(tcId) (\(test["comment"] ?? "")) is \(expected)")
                checked += 1
            }
        }
        #expect(checked >= 230, "RS256 cases checked: \(checked)")
    }
}
