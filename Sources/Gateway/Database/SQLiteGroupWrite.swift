/// One write waiting for a group commit. Exactly one of its two paths runs: `execute` (on the connection, inside
/// the group's transaction; `true` when it is the group's only write) returns what completes it once the commit's
/// outcome is known (nil: committed); `fail` completes it when it could not run at all.
struct SQLiteGroupWrite {
    let execute: (SQLiteConnection, Bool) -> (Error?) -> Void
    let fail: (Error) -> Void
}
