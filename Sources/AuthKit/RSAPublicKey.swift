/// An RSA public key that verifies RS256 (RSASSA-PKCS1-v1_5 with SHA-256) signatures.
public struct RSAPublicKey: Sendable {
    /// Smallest modulus accepted in key sets used for token verification.
    public static let minimumTokenKeyBits = 2048

    let key: OpenSSLRSAKey

    init(key: OpenSSLRSAKey) {
        self.key = key
    }

    /// A key from the big-endian modulus and exponent, with no size policy applied (see `minimumTokenKeyBits`).
    public init(modulus: [UInt8], exponent: [UInt8]) throws(KeySetError) {
        guard !modulus.isEmpty, !exponent.isEmpty, exponent.count <= 8 else {
            throw KeySetError("RSA key has an empty modulus or an oversized exponent")
        }
        do {
            key = try OpenSSLRSAKey(modulus: modulus, exponent: exponent)
        } catch {
            throw KeySetError("RSA key rejected by OpenSSL: \(error)")
        }
    }

    /// The key of a PEM X.509 certificate, with no size policy applied.
    public init(pemCertificate: String) throws(KeySetError) {
        do {
            key = try OpenSSLRSAKey(pemCertificate: pemCertificate)
        } catch {
            throw KeySetError("certificate rejected: \(error)")
        }
    }

    /// Size of the modulus in bits.
    public var bits: Int { key.bits }

    /// True when `signature` is a valid RS256 signature of `message` under this key.
    public func verify(signature: [UInt8], message: [UInt8]) -> Bool {
        signature.withUnsafeBytes { signatureBytes in
            message.withUnsafeBytes { messageBytes in
                key.verifySHA256(signature: signatureBytes, message: messageBytes)
            }
        }
    }

    func verify(signature: [UInt8], message: UnsafeRawBufferPointer) -> Bool {
        signature.withUnsafeBytes { key.verifySHA256(signature: $0, message: message) }
    }
}
