#if GATEWAY_POSTGRES
/// One step of the PostgreSQL schema: statements run once, in order, in the migrating transaction, and recorded in
/// `gateway_schema`.
struct PostgresMigration: Sendable {
    /// The schema version this step brings the database to; steps are numbered 1, 2, 3, ...
    let version: Int
    /// A short name for logs.
    let name: String
    /// One SQL statement each (the extended protocol runs one statement per query).
    let statements: [String]
}
#endif
