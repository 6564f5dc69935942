/// The policy read once from the policy folder at start.
struct LoadedPolicy: LivePolicy {
    let policy: Policy

    /// Loads and validates the folder; throws every problem when it is invalid, so the gateway refuses to start.
    init(directory: String) throws(PolicyLoadError) {
        policy = try PolicyLoader.load(directory: directory)
    }
}
