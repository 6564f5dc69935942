import CLibFuzzer
import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// Runs one fuzz target under libFuzzer's driver. SwiftPM names an executable's entry point itself, so the
/// targets call the driver from `main.swift` instead of exporting `LLVMFuzzerTestOneInput`.
public enum Fuzzer {
    /// The target libFuzzer's C callback forwards to; set once, before the driver starts, and only read after.
    nonisolated(unsafe) private static var target: ([UInt8]) -> Void = { _ in }

    /// Hands every input libFuzzer generates to `target` (which must not crash, whatever the bytes), with this
    /// process's command-line flags, and exits with libFuzzer's status.
    public static func run(_ target: @escaping ([UInt8]) -> Void) -> Never {
        Self.target = target
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        let status = LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            Fuzzer.target(Array(UnsafeBufferPointer(start: data, count: size)))
            return 0
        }
        exit(status)
    }

    /// Runs `work` to completion from the synchronous fuzz callback.
    public static func wait(for work: @escaping @Sendable () async -> Void) {
        let done = DispatchSemaphore(value: 0)
        Task {
            await work()
            done.signal()
        }
        done.wait()
    }
}
