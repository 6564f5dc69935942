extension GatewaySchema {
    /// Version 3: what each provider has cost in a period is read from its attempts by time.
    static let providerSpend = SQLiteMigration(
        version: 3, name: "attempts by provider and time",
        sql: "CREATE INDEX attempts_provider_started ON attempts (provider, started_ms);")
}
