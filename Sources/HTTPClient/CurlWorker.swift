import CCurl
import Locking
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// libcurl's process-wide setup; Swift runs a global's initialiser once, thread-safely, on first use.
private let curlGlobalSetup: CURLcode = curl_global_init(Int(CURL_GLOBAL_ALL))

/// The dedicated thread that drives one libcurl multi handle.
///
/// Other threads only post to the locked inbox and call `curl_multi_wakeup` (libcurl's one thread-safe multi call,
/// made under the lock so it never races `curl_multi_cleanup`); everything else on the multi handle and its easy
/// handles happens on the worker thread, which makes the unchecked `Sendable` sound.
final class CurlWorker: @unchecked Sendable {
    private struct Inbox {
        var submissions: [CurlTransfer] = []
        var removals: [CurlTransfer] = []
        var stopRequested = false
        var stopped = false
        var stopWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let multi: UnsafeMutableRawPointer
    private let inbox = LockedState(Inbox())
    private let logger: Logger
    /// New connections opened by finished transfers.
    let connectionsOpened = Atomic<Int>(0)
    /// Transfers that ran to an end in libcurl (successfully or not; cancelled ones are not counted).
    let transfersFinished = Atomic<Int>(0)

    /// Creates the multi handle with the configuration's connection limits and starts the worker thread.
    init(configuration: HTTPClient.Configuration, logger: Logger) {
        precondition(curlGlobalSetup == CURLE_OK, "curl_global_init failed with code \(curlGlobalSetup.rawValue)")
        guard let multi = curl_multi_init() else { fatalError("libcurl could not allocate a multi handle") }
        self.multi = multi
        self.logger = logger
        ccurl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, max(0, configuration.maxConnectionsPerHost))
        ccurl_multi_setopt_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, max(0, configuration.maxConnectionsTotal))
        ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, max(1, configuration.maxIdleConnections))
        ccurl_multi_setopt_long(multi, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
        startThread()
    }

    /// Hands a configured transfer to the worker; false when the worker is stopping and will not run it.
    func submit(_ transfer: CurlTransfer) -> Bool {
        inbox.withLock { inbox in
            guard !inbox.stopRequested else { return false }
            inbox.submissions.append(transfer)
            curl_multi_wakeup(multi)
            return true
        }
    }

    /// Asks the worker to drop a transfer whose caller stopped waiting (cancellation).
    func remove(_ transfer: CurlTransfer) {
        inbox.withLock { inbox in
            guard !inbox.stopRequested else { return }
            inbox.removals.append(transfer)
            curl_multi_wakeup(multi)
        }
    }

    /// Asks the worker to fail its transfers with `shutDown` and end, without waiting for it.
    func requestStop() {
        inbox.withLock { inbox in
            guard !inbox.stopRequested else { return }
            inbox.stopRequested = true
            curl_multi_wakeup(multi)
        }
    }

    /// Asks the worker to end and waits until its thread has released the multi handle.
    func stop() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let alreadyStopped = inbox.withLock { inbox -> Bool in
                guard !inbox.stopped else { return true }
                inbox.stopWaiters.append(continuation)
                if !inbox.stopRequested {
                    inbox.stopRequested = true
                    curl_multi_wakeup(multi)
                }
                return false
            }
            if alreadyStopped { continuation.resume() }
        }
    }

    private func startThread() {
        let context = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(
            &thread, nil,
            { context in
                let worker = Unmanaged<CurlWorker>.fromOpaque(context!).takeRetainedValue()
                worker.run()
                return nil
            }, context)
        guard created == 0 else {
            Unmanaged<CurlWorker>.fromOpaque(context).release()
            fatalError("could not start the HTTP client's worker thread (error \(created))")
        }
        pthread_detach(thread)
    }

    // MARK: Worker thread

    private func run() {
        var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]
        while true {
            let (submissions, removals, stopping) = inbox.withLock { inbox in
                defer {
                    inbox.submissions.removeAll()
                    inbox.removals.removeAll()
                }
                return (inbox.submissions, inbox.removals, inbox.stopRequested)
            }
            for transfer in submissions where !transfer.isSettled {
                let added = curl_multi_add_handle(multi, transfer.easy)
                guard added == CURLM_OK else {
                    transfer.complete(
                        .failure(.transport("libcurl refused the transfer (multi code \(added.rawValue))")))
                    continue
                }
                active[transfer.easy] = transfer
            }
            for transfer in removals where active.removeValue(forKey: transfer.easy) != nil {
                curl_multi_remove_handle(multi, transfer.easy)
            }
            if stopping { break }
            var running: Int32 = 0
            let performed = curl_multi_perform(multi, &running)
            if performed != CURLM_OK {
                logger.error("curl_multi_perform failed", metadata: ["code": "\(performed.rawValue)"])
            }
            finishDoneTransfers(&active)
            let polled = curl_multi_poll(multi, nil, 0, 1000, nil)
            if polled != CURLM_OK {
                logger.error("curl_multi_poll failed", metadata: ["code": "\(polled.rawValue)"])
                usleep(10_000)
            }
        }
        for (easy, transfer) in active {
            curl_multi_remove_handle(multi, easy)
            transfer.complete(.failure(.shutDown()))
        }
        active.removeAll()
        let waiters = inbox.withLock { inbox in
            inbox.stopped = true
            inbox.removals.removeAll()
            return inbox.stopWaiters
        }
        curl_multi_cleanup(multi)
        for waiter in waiters { waiter.resume() }
    }

    private func finishDoneTransfers(_ active: inout [UnsafeMutableRawPointer: CurlTransfer]) {
        var queued: Int32 = 0
        while let message = curl_multi_info_read(multi, &queued) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            let code = message.pointee.data.result
            curl_multi_remove_handle(multi, easy)
            guard let transfer = active.removeValue(forKey: easy) else { continue }
            connectionsOpened.add(transfer.connectionsOpened, ordering: .relaxed)
            transfersFinished.add(1, ordering: .relaxed)
            let outcome = transfer.outcome(of: code)
            if case .failure(let error) = outcome {
                logger.debug(
                    "HTTP transfer failed", metadata: ["reason": "\(error.reason)", "detail": "\(error.detail)"])
            }
            transfer.complete(outcome)
        }
    }
}
