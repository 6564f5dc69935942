import CCurl

extension HTTPClientError {
    /// Maps a failed transfer's `CURLcode` to an error code callers can act on.
    ///
    /// - Parameters:
    ///   - code: libcurl's result for the transfer.
    ///   - message: libcurl's error buffer text (or `curl_easy_strerror`), which never holds request headers or bodies.
    ///   - exceededSizeCap: whether the transfer was aborted because the body outgrew the caller's cap.
    init(curlCode code: CURLcode, message: String, exceededSizeCap: Bool) {
        let detail = "curl error \(code.rawValue): \(message)"
        switch code {
        case CURLE_WRITE_ERROR where exceededSizeCap, CURLE_FILESIZE_EXCEEDED:
            self = .responseTooLarge(detail)
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            self = .invalidURL(detail)
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT:
            self = .connectFailed(detail)
        case CURLE_OPERATION_TIMEDOUT:
            self = .timedOut(detail)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
            CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR,
            CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT:
            self = .tls(detail)
        default:
            self = .transport(detail)
        }
    }
}
