import Logging

/// The gateway's one outbound HTTP client: an async wrapper over libcurl.
///
/// Design:
/// - Each client owns one libcurl *multi* handle and one dedicated thread (`CurlWorker`) that drives it with
///   `curl_multi_perform` and `curl_multi_poll`. No Swift concurrency thread and no event loop ever blocks on I/O.
/// - `execute` validates the request and configures an easy handle on the caller's task (`CurlTransfer`), turning
///   the deadline into `CURLOPT_TIMEOUT_MS` at that moment, then posts it to the worker's locked inbox and wakes the
///   worker with `curl_multi_wakeup`. When libcurl reports the transfer done, the worker builds the response (the
///   final response's headers only) or maps the `CURLcode` to an `HTTPClientError`, and resumes the caller's
///   continuation; a mutex makes that resume happen exactly once even when cancellation races completion.
/// - Cancelling the calling task resumes it at once with `cancelled`, and the worker then removes the easy handle.
/// - The size cap is enforced while receiving: a `Content-Length` over it fails early (`CURLOPT_MAXFILESIZE_LARGE`),
///   and the write callback aborts the transfer as soon as the body outgrows it.
/// - Connections (and HTTP/2 multiplexing over TLS) are reused through the shared multi handle, within the
///   configured per-host and total connection limits.
/// - `shutdown()` fails the transfers still running with `shutDown` and ends the thread; `deinit` asks for the same
///   without waiting.
///
/// Request headers and bodies never appear in errors or logs: they may hold credentials.
public final class HTTPClient: Sendable {
    /// A process-wide client with the default configuration, for callers that need no settings of their own.
    public static let shared = HTTPClient()

    /// The settings every request of this client uses.
    public let configuration: Configuration
    let worker: CurlWorker

    /// Starts a client and its worker thread.
    public init(configuration: Configuration = .init(), logger: Logger = Logger(label: "HTTPClient")) {
        self.configuration = configuration
        self.worker = CurlWorker(configuration: configuration, logger: logger)
    }

    deinit {
        worker.requestStop()
    }

    /// Sends the request and returns the complete response, whatever its status (a 404 or 503 is not an error).
    ///
    /// Throws only `HTTPClientError`: `timedOut` once the request's deadline passes, `responseTooLarge` when the body
    /// would exceed `maxResponseBytes`, `cancelled` when the calling task is cancelled, and the transport errors.
    public func execute(_ request: HTTPRequest) async throws(HTTPClientError) -> HTTPResponse {
        if Task.isCancelled { throw .cancelled() }
        let transfer = try CurlTransfer(request: request, configuration: configuration, now: .now)
        let worker = self.worker
        let outcome = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                guard transfer.wait(with: continuation) else { return }
                if !worker.submit(transfer) { transfer.complete(.failure(.shutDown())) }
            }
        } onCancel: {
            transfer.cancel()
            worker.remove(transfer)
        }
        return try outcome.get()
    }

    /// Fails the requests still running with `shutDown`, stops the worker thread and waits until it has ended.
    ///
    /// Later calls to `execute` fail with `shutDown`; calling this again returns at once.
    public func shutdown() async {
        await worker.stop()
    }
}
