/// Size caps applied before any decoding, so an oversized token costs nothing but a length check.
public struct JWSLimits: Sendable, Hashable {
    /// Longest compact token accepted, in bytes.
    public var maxTokenBytes: Int
    /// Largest decoded protected header, in bytes.
    public var maxHeaderBytes: Int
    /// Largest decoded payload, in bytes.
    public var maxPayloadBytes: Int

    public init(maxTokenBytes: Int = 16 * 1024, maxHeaderBytes: Int = 1024, maxPayloadBytes: Int = 8 * 1024) {
        self.maxTokenBytes = maxTokenBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxPayloadBytes = maxPayloadBytes
    }
}
