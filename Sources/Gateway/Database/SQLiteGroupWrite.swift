/// One write waiting for a group commit. Exactly one of its two paths runs: `execute` (on the connection, inside
/// the group's transaction) returns what completes it once the commit's outcome is known (nil: committed); `fail`
/// completes it when it could not run at all.
struct SQLiteGroupWrite {
    let execute: (SQLiteConnection) -> (Error?) -> Void
    let fail: (Error) -> Void
}
