import ServiceLifecycle

/// Closes the ledger's database once everything started after it has shut down (services stop in reverse order).
struct DatabaseCloser: Service {
    let ledger: SQLiteQuotaLedger

    func run() async {
        try? await gracefulShutdown()
        await ledger.close()
    }
}
