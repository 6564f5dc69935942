import COpenSSL

/// Why an OpenSSL call failed; carries OpenSSL's own message for logs.
struct OpenSSLError: Error, Sendable, CustomStringConvertible {
    let message: String

    /// Captures and clears OpenSSL's thread-local error queue so one failure never leaks into the next call.
    init(_ operation: String) {
        var detail = ""
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            let text = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            detail += detail.isEmpty ? text : "; \(text)"
        }
        message = detail.isEmpty ? operation : "\(operation): \(detail)"
    }

    var description: String { message }
}

/// The one place that calls OpenSSL's `EVP_*`, `BN_*`, `PEM_*` and `X509_*` functions: an RSA key held as an
/// `EVP_PKEY`, freed when the last reference goes. A key is immutable after creation, so concurrent use is safe.
final class OpenSSLRSAKey: @unchecked Sendable {
    private let pkey: OpaquePointer

    private init(owning pkey: OpaquePointer) {
        self.pkey = pkey
    }

    deinit {
        EVP_PKEY_free(pkey)
    }

    /// A public key from its big-endian modulus and exponent (the JWK `n` and `e`).
    convenience init(modulus: [UInt8], exponent: [UInt8]) throws(OpenSSLError) {
        guard let n = BN_bin2bn(modulus, Int32(modulus.count), nil) else { throw OpenSSLError("BN_bin2bn(n)") }
        defer { BN_free(n) }
        guard let e = BN_bin2bn(exponent, Int32(exponent.count), nil) else { throw OpenSSLError("BN_bin2bn(e)") }
        defer { BN_free(e) }
        guard let builder = OSSL_PARAM_BLD_new() else { throw OpenSSLError("OSSL_PARAM_BLD_new") }
        defer { OSSL_PARAM_BLD_free(builder) }
        // The builder keeps the name pointers until OSSL_PARAM_BLD_to_param, so they must be static C strings.
        guard OSSL_PARAM_BLD_push_BN(builder, Self.cString("n"), n) == 1,
            OSSL_PARAM_BLD_push_BN(builder, Self.cString("e"), e) == 1,
            let params = OSSL_PARAM_BLD_to_param(builder)
        else { throw OpenSSLError("OSSL_PARAM_BLD_push_BN") }
        defer { OSSL_PARAM_free(params) }
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "RSA", nil) else {
            throw OpenSSLError("EVP_PKEY_CTX_new_from_name")
        }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_fromdata_init(context) == 1,
            EVP_PKEY_fromdata(context, &key, copenssl_evp_pkey_public_key_selection(), params) == 1, let key
        else { throw OpenSSLError("EVP_PKEY_fromdata") }
        self.init(owning: key)
    }

    /// The public key of a PEM X.509 certificate (Google's v1 certs endpoint serves these).
    convenience init(pemCertificate: String) throws(OpenSSLError) {
        let bytes = Array(pemCertificate.utf8)
        guard let bio = BIO_new_mem_buf(bytes, Int32(bytes.count)) else { throw OpenSSLError("BIO_new_mem_buf") }
        defer { BIO_free(bio) }
        guard let certificate = PEM_read_bio_X509(bio, nil, nil, nil) else {
            throw OpenSSLError("PEM_read_bio_X509")
        }
        defer { X509_free(certificate) }
        guard let key = X509_get_pubkey(certificate) else { throw OpenSSLError("X509_get_pubkey") }
        guard EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA else {
            EVP_PKEY_free(key)
            throw OpenSSLError("certificate key is not RSA")
        }
        self.init(owning: key)
    }

    /// A private key from PKCS#8 or traditional PEM.
    convenience init(pemPrivateKey: String) throws(OpenSSLError) {
        let bytes = Array(pemPrivateKey.utf8)
        guard let bio = BIO_new_mem_buf(bytes, Int32(bytes.count)) else { throw OpenSSLError("BIO_new_mem_buf") }
        defer { BIO_free(bio) }
        guard let key = PEM_read_bio_PrivateKey(bio, nil, nil, nil) else {
            throw OpenSSLError("PEM_read_bio_PrivateKey")
        }
        guard EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA else {
            EVP_PKEY_free(key)
            throw OpenSSLError("private key is not RSA")
        }
        self.init(owning: key)
    }

    /// A fresh RSA private key with public exponent 65537. Takes tens to hundreds of milliseconds.
    static func generate(bits: Int) throws(OpenSSLError) -> OpenSSLRSAKey {
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "RSA", nil) else {
            throw OpenSSLError("EVP_PKEY_CTX_new_from_name")
        }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_CTX_set_rsa_keygen_bits(context, Int32(bits)) == 1,
            EVP_PKEY_generate(context, &key) == 1, let key
        else { throw OpenSSLError("EVP_PKEY_generate") }
        return OpenSSLRSAKey(owning: key)
    }

    /// Size of the modulus in bits.
    var bits: Int { Int(EVP_PKEY_get_bits(pkey)) }

    /// Size of a signature in bytes.
    var signatureSize: Int { Int(EVP_PKEY_get_size(pkey)) }

    /// The big-endian modulus and public exponent.
    func publicComponents() throws(OpenSSLError) -> (modulus: [UInt8], exponent: [UInt8]) {
        (try bigNumberParameter("n"), try bigNumberParameter("e"))
    }

    private func bigNumberParameter(_ name: String) throws(OpenSSLError) -> [UInt8] {
        var number: OpaquePointer?
        guard EVP_PKEY_get_bn_param(pkey, name, &number) == 1, let number else {
            throw OpenSSLError("EVP_PKEY_get_bn_param(\(name))")
        }
        defer { BN_free(number) }
        var bytes = [UInt8](repeating: 0, count: Int((BN_num_bits(number) + 7) / 8))
        BN_bn2bin(number, &bytes)
        return bytes
    }

    /// RSASSA-PKCS1-v1_5 with SHA-256 over `message`; false for any signature that is not exactly right.
    func verifySHA256(signature: UnsafeRawBufferPointer, message: UnsafeRawBufferPointer) -> Bool {
        guard signature.count == signatureSize, let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, Self.sha256, nil, pkey) == 1 else {
            ERR_clear_error()
            return false
        }
        let result = EVP_DigestVerify(
            context, signature.baseAddress?.assumingMemoryBound(to: UInt8.self), signature.count,
            message.baseAddress?.assumingMemoryBound(to: UInt8.self), message.count)
        if result != 1 { ERR_clear_error() }
        return result == 1
    }

    /// RSASSA-PKCS1-v1_5 with SHA-256 over `message` with this private key.
    func signSHA256(_ message: [UInt8]) throws(OpenSSLError) -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else { throw OpenSSLError("EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestSignInit(context, nil, Self.sha256, nil, pkey) == 1 else {
            throw OpenSSLError("EVP_DigestSignInit")
        }
        var length = 0
        guard EVP_DigestSign(context, nil, &length, message, message.count) == 1 else {
            throw OpenSSLError("EVP_DigestSign")
        }
        var signature = [UInt8](repeating: 0, count: length)
        guard EVP_DigestSign(context, &signature, &length, message, message.count) == 1 else {
            throw OpenSSLError("EVP_DigestSign")
        }
        return Array(signature.prefix(length))
    }

    /// The private key as unencrypted PKCS#8 PEM.
    func privateKeyPEM() throws(OpenSSLError) -> String {
        try withMemoryBIO { bio in PEM_write_bio_PrivateKey(bio, pkey, nil, nil, 0, nil, nil) == 1 }
    }

    /// A self-signed X.509 certificate for this key, in PEM, like those on Google's v1 certs endpoint.
    func selfSignedCertificatePEM(commonName: String, notBefore: Int64, notAfter: Int64) throws(OpenSSLError)
        -> String
    {
        guard let certificate = X509_new() else { throw OpenSSLError("X509_new") }
        defer { X509_free(certificate) }
        guard let name = X509_NAME_new() else { throw OpenSSLError("X509_NAME_new") }
        defer { X509_NAME_free(name) }
        let commonNameBytes = Array(commonName.utf8)
        guard X509_set_version(certificate, 2) == 1,
            ASN1_INTEGER_set(X509_get_serialNumber(certificate), 1) == 1,
            ASN1_TIME_set(X509_getm_notBefore(certificate), time_t(notBefore)) != nil,
            ASN1_TIME_set(X509_getm_notAfter(certificate), time_t(notAfter)) != nil,
            X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, commonNameBytes, Int32(commonNameBytes.count), -1, 0)
                == 1,
            X509_set_subject_name(certificate, name) == 1, X509_set_issuer_name(certificate, name) == 1,
            X509_set_pubkey(certificate, pkey) == 1, X509_sign(certificate, pkey, Self.sha256) > 0
        else { throw OpenSSLError("building the certificate") }
        return try withMemoryBIO { bio in PEM_write_bio_X509(bio, certificate) == 1 }
    }

    private func withMemoryBIO(_ write: (OpaquePointer) -> Bool) throws(OpenSSLError) -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw OpenSSLError("BIO_new") }
        defer { BIO_free(bio) }
        guard write(bio) else { throw OpenSSLError("PEM_write_bio") }
        var bytes = [UInt8](repeating: 0, count: Int(BIO_ctrl_pending(bio)))
        let read = BIO_read(bio, &bytes, Int32(bytes.count))
        guard read == bytes.count else { throw OpenSSLError("BIO_read") }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func cString(_ literal: StaticString) -> UnsafePointer<CChar> {
        UnsafeRawPointer(literal.utf8Start).assumingMemoryBound(to: CChar.self)
    }

    /// SHA-256 of `bytes`.
    static func sha256(_ bytes: UnsafeRawBufferPointer) -> (UInt64, UInt64, UInt64, UInt64) {
        var digest: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digest) { output in
            copenssl_sha256(bytes.baseAddress, bytes.count, output.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        return digest
    }

    /// SHA-256 fetched once from the default provider; fetching per call is measurably slower in OpenSSL 3.
    nonisolated(unsafe) private static let sha256: OpaquePointer? = EVP_MD_fetch(nil, "SHA256", nil)
}
