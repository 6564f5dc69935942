import CCurl

extension HTTPRequest {
    /// Checks the URL, method and header fields before anything is sent.
    ///
    /// Error details name what is wrong but never echo header values or the body, which may hold credentials.
    func validate() throws(HTTPClientError) {
        try validateURL()
        guard !method.isEmpty, method.utf8.allSatisfy(Self.isTokenByte) else {
            throw .invalidRequest("the method is not a valid HTTP token")
        }
        for (index, field) in headers.enumerated() {
            guard !field.name.isEmpty, field.name.utf8.allSatisfy(Self.isTokenByte) else {
                throw .invalidRequest("header field #\(index + 1) has an invalid name")
            }
            guard !field.value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else {
                throw .invalidRequest("header field '\(field.name)' has a line break or NUL in its value")
            }
        }
    }

    /// Whether the method is `HEAD`, whose response carries no body.
    var isHead: Bool { method == "HEAD" }

    private func validateURL() throws(HTTPClientError) {
        guard !url.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) else {
            throw .invalidURL("the URL contains spaces or control characters")
        }
        guard let handle = curl_url() else { throw .transport("libcurl could not allocate a URL handle") }
        defer { curl_url_cleanup(handle) }
        let parsed = curl_url_set(handle, CURLUPART_URL, url, 0)
        guard parsed == CURLUE_OK else {
            throw .invalidURL("the URL could not be parsed (\(String(cString: curl_url_strerror(parsed))))")
        }
        var scheme: UnsafeMutablePointer<CChar>?
        guard curl_url_get(handle, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK, let scheme else {
            throw .invalidURL("the URL has no scheme; use http:// or https://")
        }
        defer { curl_free(scheme) }
        let name = String(cString: scheme).lowercased()
        guard name == "http" || name == "https" else {
            throw .invalidURL("the URL scheme '\(name)' is not supported; use http:// or https://")
        }
    }

    /// RFC 9110 `tchar`: the bytes allowed in a method or a header field name.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
