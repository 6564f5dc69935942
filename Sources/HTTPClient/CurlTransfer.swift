import CCurl
import Locking

/// One request in flight: its libcurl easy handle, the buffers that collect the response, and the task waiting for it.
///
/// Built and configured on the caller's task, then handed to the worker thread; from submission on, only the worker
/// thread touches the handle and the buffers (that hand-over is what makes the unchecked `Sendable` sound). The
/// waiting continuation sits behind a mutex so that completion and cancellation race safely and it resumes once.
final class CurlTransfer: @unchecked Sendable {
    typealias Completion = CheckedContinuation<Result<HTTPResponse, HTTPClientError>, Never>

    private enum Waiter {
        case notWaiting
        case waiting(Completion)
        case cancelled
        case settled
    }

    /// The easy handle; owned by this object and cleaned up with it.
    let easy: UnsafeMutableRawPointer
    private let headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private let maxResponseBytes: Int
    private let waiter = LockedState<Waiter>(.notWaiting)

    private var headers: [(name: String, value: String)] = []
    private var readingHeaderBlock = false
    private var body: [UInt8] = []
    private var exceededSizeCap = false

    /// Validates the request and configures an easy handle for it.
    ///
    /// The deadline is turned into libcurl's total timeout here, so call this right before submitting.
    init(
        request: HTTPRequest, configuration: HTTPClient.Configuration, now: ContinuousClock.Instant
    ) throws(HTTPClientError) {
        try request.validate()
        let remaining = now.duration(to: request.deadline)
        guard remaining > .zero else { throw .timedOut("the deadline passed before the request was sent") }
        guard let easy = curl_easy_init() else { throw .transport("libcurl could not allocate a transfer") }
        guard let headerList = Self.makeHeaderList(for: request) else {
            curl_easy_cleanup(easy)
            throw .transport("libcurl could not allocate the header list")
        }
        self.easy = easy
        self.headerList = headerList
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        self.errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        self.maxResponseBytes = max(0, request.maxResponseBytes)
        try configure(request: request, configuration: configuration, remaining: remaining)
    }

    deinit {
        curl_easy_cleanup(easy)
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
    }

    // MARK: Waiting and completion (any thread)

    /// Parks the caller's continuation; answers false (and resumes it with `cancelled`) if cancellation came first.
    func wait(with continuation: Completion) -> Bool {
        let cancelledEarly = waiter.withLock { state -> Bool in
            guard case .notWaiting = state else { return true }
            state = .waiting(continuation)
            return false
        }
        if cancelledEarly { continuation.resume(returning: .failure(.cancelled())) }
        return !cancelledEarly
    }

    /// Resumes the waiting task with `cancelled`, unless the transfer already completed.
    func cancel() {
        settle(.failure(.cancelled()), marking: .cancelled)
    }

    /// Resumes the waiting task with the outcome; later calls (and a cancellation after it) do nothing.
    func complete(_ result: Result<HTTPResponse, HTTPClientError>) {
        settle(result, marking: .settled)
    }

    /// Whether the waiting task has already been resumed (or cancelled before it waited).
    var isSettled: Bool {
        waiter.withLock { state in
            switch state {
            case .notWaiting, .waiting: false
            case .cancelled, .settled: true
            }
        }
    }

    private func settle(_ result: Result<HTTPResponse, HTTPClientError>, marking final: Waiter) {
        let continuation = waiter.withLock { state -> Completion? in
            switch state {
            case .waiting(let continuation):
                state = final
                return continuation
            case .notWaiting:
                state = final
                return nil
            case .cancelled, .settled:
                return nil
            }
        }
        continuation?.resume(returning: result)
    }

    // MARK: Worker thread only

    /// Builds the outcome of a finished transfer from libcurl's result code and the collected response.
    func outcome(of code: CURLcode) -> Result<HTTPResponse, HTTPClientError> {
        guard code == CURLE_OK else {
            let buffered = String(cString: errorBuffer)
            let message = buffered.isEmpty ? String(cString: curl_easy_strerror(code)) : buffered
            return .failure(HTTPClientError(curlCode: code, message: message, exceededSizeCap: exceededSizeCap))
        }
        var status = 0
        ccurl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        return .success(HTTPResponse(status: status, headers: headers, body: body))
    }

    /// How many new connections libcurl opened for this transfer (0 when it reused one).
    var connectionsOpened: Int {
        var count = 0
        ccurl_easy_getinfo_long(easy, CURLINFO_NUM_CONNECTS, &count)
        return count
    }

    /// Takes one chunk of body; refuses it (aborting the transfer) once the body would outgrow the cap.
    fileprivate func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard body.count + bytes.count <= maxResponseBytes else {
            exceededSizeCap = true
            return 0
        }
        body.append(contentsOf: bytes)
        return bytes.count
    }

    /// Takes one header line. A status line starts a new header block, so only the final response's fields stay
    /// (not those of `100 Continue` or followed redirects); lines after a block's end (trailers) are ignored.
    fileprivate func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        var end = bytes.count
        while end > 0, bytes[end - 1] == UInt8(ascii: "\r") || bytes[end - 1] == UInt8(ascii: "\n") { end -= 1 }
        let line = Substring(String(decoding: bytes[..<end], as: UTF8.self))
        if line.hasPrefix("HTTP/") {
            headers.removeAll()
            body.removeAll()
            readingHeaderBlock = true
        } else if line.isEmpty {
            readingHeaderBlock = false
        } else if readingHeaderBlock {
            if line.first == " " || line.first == "\t", let last = headers.popLast() {
                headers.append((last.name, last.value + " " + Self.trimmed(line)))
            } else if let colon = line.firstIndex(of: ":") {
                headers.append((String(line[..<colon]), Self.trimmed(line[line.index(after: colon)...])))
            }
        }
    }

    private static func trimmed(_ text: Substring) -> String {
        String(text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}

extension CurlTransfer {
    /// Header fields as libcurl takes them, plus blanks that stop libcurl's own `Content-Type` and `Expect` defaults.
    private static func makeHeaderList(for request: HTTPRequest) -> UnsafeMutablePointer<curl_slist>? {
        let names = Set(request.headers.map { $0.name.lowercased() })
        var lines = request.headers.map { $0.value.isEmpty ? "\($0.name);" : "\($0.name): \($0.value)" }
        if !names.contains("content-type") { lines.append("Content-Type:") }
        if !names.contains("expect") { lines.append("Expect:") }
        var list: UnsafeMutablePointer<curl_slist>?
        for line in lines {
            guard let longer = curl_slist_append(list, line) else {
                curl_slist_free_all(list)
                return nil
            }
            list = longer
        }
        return list
    }

    private func configure(
        request: HTTPRequest, configuration: HTTPClient.Configuration, remaining: Duration
    ) throws(HTTPClientError) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        var options = CurlOptions(easy: easy)
        options.set(CURLOPT_URL, request.url)
        options.set(CURLOPT_PROTOCOLS_STR, "http,https")
        options.set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        options.set(CURLOPT_NOSIGNAL, 1)
        options.set(CURLOPT_ERRORBUFFER, pointer: errorBuffer)
        options.set(CURLOPT_HTTPHEADER, pointer: headerList)
        options.set(CURLOPT_USERAGENT, configuration.userAgent)
        options.check(
            ccurl_easy_setopt_write_function(easy) { data, size, count, context in
                guard let data, let context else { return 0 }
                let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
                return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
            })
        options.set(CURLOPT_WRITEDATA, pointer: context)
        options.check(
            ccurl_easy_setopt_header_function(easy) { data, size, count, context in
                guard let data, let context else { return 0 }
                let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
                transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: size * count))
                return size * count
            })
        options.set(CURLOPT_HEADERDATA, pointer: context)

        options.set(CURLOPT_TIMEOUT_MS, remaining.wholeMillisecondsRoundedUp)
        options.set(
            CURLOPT_CONNECTTIMEOUT_MS, max(1, min(request.connectTimeout, remaining).wholeMillisecondsRoundedUp))
        if maxResponseBytes > 0 && !request.isHead {
            options.check(ccurl_easy_setopt_offset(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(maxResponseBytes)))
        }
        configureMethod(request, &options)
        configureConnection(configuration, overTLS: request.url.lowercased().hasPrefix("https:"), &options)
        if let failure = options.firstFailure {
            throw .transport("libcurl rejected an option: \(String(cString: curl_easy_strerror(failure)))")
        }
    }

    private func configureMethod(_ request: HTTPRequest, _ options: inout CurlOptions) {
        let sendsBody = request.body != nil || ["POST", "PUT", "PATCH"].contains(request.method)
        if sendsBody {
            let body = request.body ?? []
            options.check(ccurl_easy_setopt_offset(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
            if body.isEmpty {
                options.set(CURLOPT_COPYPOSTFIELDS, "")
            } else {
                body.withUnsafeBufferPointer { bytes in
                    options.set(CURLOPT_COPYPOSTFIELDS, pointer: UnsafeMutableRawPointer(mutating: bytes.baseAddress))
                }
            }
            if request.method != "POST" { options.set(CURLOPT_CUSTOMREQUEST, request.method) }
        } else if request.method == "GET" {
            options.set(CURLOPT_HTTPGET, 1)
        } else if request.isHead {
            options.set(CURLOPT_NOBODY, 1)
        } else {
            options.set(CURLOPT_CUSTOMREQUEST, request.method)
        }
    }

    /// `CURLOPT_PIPEWAIT` is set only where a connection can turn out to multiplex (TLS with ALPN, or prior
    /// knowledge): on plain HTTP/1.1 it would make concurrent requests to one host wait for each other.
    private func configureConnection(
        _ configuration: HTTPClient.Configuration, overTLS: Bool, _ options: inout CurlOptions
    ) {
        options.set(CURLOPT_SSL_VERIFYPEER, configuration.verifyTLS ? 1 : 0)
        options.set(CURLOPT_SSL_VERIFYHOST, configuration.verifyTLS ? 2 : 0)
        if let caBundlePath = configuration.caBundlePath { options.set(CURLOPT_CAINFO, caBundlePath) }
        switch configuration.httpVersion {
        case .http1Only:
            options.set(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_1))
        case .http2OverTLS:
            options.set(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))
            if overTLS { options.set(CURLOPT_PIPEWAIT, 1) }
        case .http2PriorKnowledge:
            options.set(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE))
            options.set(CURLOPT_PIPEWAIT, 1)
        }
        options.set(CURLOPT_FOLLOWLOCATION, configuration.followRedirects ? 1 : 0)
        options.set(CURLOPT_MAXREDIRS, max(0, configuration.maxRedirects))
        options.set(CURLOPT_TCP_KEEPALIVE, 1)
        if configuration.reuseConnections {
            options.set(
                CURLOPT_MAXAGE_CONN, max(1, configuration.idleConnectionTimeout.wholeMillisecondsRoundedUp / 1000))
        } else {
            options.set(CURLOPT_FRESH_CONNECT, 1)
            options.set(CURLOPT_FORBID_REUSE, 1)
        }
    }
}

/// Applies easy-handle options and remembers the first one libcurl rejects.
private struct CurlOptions {
    let easy: UnsafeMutableRawPointer
    private(set) var firstFailure: CURLcode?

    init(easy: UnsafeMutableRawPointer) { self.easy = easy }

    mutating func check(_ code: CURLcode) {
        if code != CURLE_OK && firstFailure == nil { firstFailure = code }
    }

    mutating func set(_ option: CURLoption, _ value: Int) {
        check(ccurl_easy_setopt_long(easy, option, value))
    }

    /// libcurl copies string options, so the Swift string need not outlive the call.
    mutating func set(_ option: CURLoption, _ value: String) {
        check(ccurl_easy_setopt_string(easy, option, value))
    }

    mutating func set<Pointee>(_ option: CURLoption, pointer: UnsafeMutablePointer<Pointee>?) {
        check(ccurl_easy_setopt_pointer(easy, option, pointer))
    }

    mutating func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) {
        check(ccurl_easy_setopt_pointer(easy, option, pointer))
    }
}

extension Duration {
    /// Whole milliseconds, rounded up so that a short positive duration never becomes libcurl's "no limit" 0;
    /// negative durations give 0 and huge ones `Int.max`.
    var wholeMillisecondsRoundedUp: Int {
        let (seconds, attoseconds) = components
        guard seconds >= 0, attoseconds >= 0 else { return 0 }
        guard seconds < Int64.max / 1000 - 1 else { return .max }
        return Int(seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
    }
}
