/// The address of the client a request really came from.
///
/// Starts from the socket's peer (`remote`) and, while the current hop is a trusted proxy, steps one entry
/// left in `X-Forwarded-For` (walking from the right, the end the nearest proxy wrote). Entries left of the
/// first untrusted hop are what the client itself sent and are ignored, so a spoofed left-most entry never
/// wins. When a trusted proxy forwarded an entry that is not an address, the proxy's own address is used.
///
/// - Parameters:
///   - remote: The peer address of the TCP connection.
///   - forwardedFor: Every `X-Forwarded-For` header value, in the order received; each may hold a
///     comma-separated list.
///   - trustedProxies: The blocks of addresses whose `X-Forwarded-For` entries are believed.
public func clientIP(remote: IPAddress, forwardedFor: [String], trustedProxies: [CIDR]) -> IPAddress {
    var client = remote
    let hops = forwardedFor.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
    for hop in hops.reversed() {
        guard trustedProxies.contains(where: { $0.contains(client) }),
            let previous = IPAddress(forwardedForHop: hop)
        else { break }
        client = previous
    }
    return client
}
