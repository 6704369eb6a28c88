import Foundation
import IPAddressing

/// Which address a request comes from: the connection's peer, or, when the peer is a trusted proxy, the right-most
/// `X-Forwarded-For` address outside the trusted ranges (the left part of the header is the client's to write, so it
/// is never believed).
struct ClientAddress: Sendable {
    /// The ranges of the load balancers and proxies in front of the bridge (`--trusted-proxy`).
    let trustedProxies: [AddressRange]

    /// The client address of a request from `peer` (`nil` when unknown, as in in-process tests) carrying the
    /// `X-Forwarded-For` header values `forwardedFor`, in order.
    func resolve(peer: String?, forwardedFor: [String]) -> String {
        guard let peer, let peerAddress = IPAddress(peer) else { return peer ?? "unknown" }
        guard isTrusted(peerAddress) else { return peerAddress.description }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        var leftmost: IPAddress?
        for hop in hops.reversed() {
            guard let address = Self.parse(hop) else { return peerAddress.description }
            if !isTrusted(address) { return address.description }
            leftmost = address
        }
        return (leftmost ?? peerAddress).description
    }

    private func isTrusted(_ address: IPAddress) -> Bool {
        trustedProxies.contains { $0.contains(address) }
    }

    /// An address as proxies write it: bare, in brackets, or with a port (`192.0.2.1:4711`, `[2001:db8::1]:4711`).
    static func parse(_ hop: String) -> IPAddress? {
        if let address = IPAddress(hop) { return address }
        if hop.hasPrefix("["), let end = hop.firstIndex(of: "]") { return IPAddress(hop[hop.index(after: hop.startIndex)..<end]) }
        if let colon = hop.lastIndex(of: ":"), hop.filter({ $0 == ":" }).count == 1 { return IPAddress(hop[..<colon]) }
        return nil
    }
}
