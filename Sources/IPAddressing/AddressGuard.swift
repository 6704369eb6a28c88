import Foundation
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Checks the host of a URL the bridge is about to connect to for a client: resolves it once, refuses it when any of
/// its addresses is one the ``FetchPolicy`` forbids, and answers the address to connect to, so that the connection
/// goes where the check looked (see ``PinnedHTTPClient``) and a DNS answer that changes in between is never used.
public struct AddressGuard: Sendable {
    /// Which kinds of address are allowed.
    public var policy: FetchPolicy
    /// Every address a host name resolves to, as text; the system resolver unless a test replaces it.
    public var resolve: @Sendable (String) async throws -> [String]

    /// A guard applying `policy`, resolving names with `resolve` (by default the system's `getaddrinfo`).
    public init(policy: FetchPolicy, resolve: @escaping @Sendable (String) async throws -> [String] = AddressGuard.systemResolve) {
        self.policy = policy
        self.resolve = resolve
    }

    /// The checked address of `host` (a name or a literal address, IPv6 possibly in brackets), or the refusal.
    public func check(host: String) async throws(AddressRefusal) -> CheckedHost {
        let bare = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        let addresses: [IPAddress]
        if let literal = IPAddress(bare) {
            addresses = [literal]
        } else {
            do {
                addresses = try await resolve(bare).compactMap { IPAddress($0) }
            } catch {
                throw .unresolvable(host: host)
            }
            if addresses.isEmpty { throw .unresolvable(host: host) }
        }
        for address in addresses where !policy.allows(address.kind) {
            throw .forbidden(kind: address.kind, address: address)
        }
        return CheckedHost(host: host, address: addresses[0], isLiteral: IPAddress(bare) != nil)
    }

    /// Every address `host` resolves to, from `getaddrinfo` on NIO's thread pool.
    @Sendable public static func systemResolve(_ host: String) async throws -> [String] {
        try await NIOThreadPool.singleton.runIfActive { try resolveBlocking(host) }
    }

    private static func resolveBlocking(_ host: String) throws -> [String] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { throw AddressRefusal.unresolvable(host: host) }
        defer { freeaddrinfo(first) }
        var addresses: [String] = []
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            if case .success(let text) = NumericHost.text(of: current.pointee.ai_addr, length: current.pointee.ai_addrlen) {
                addresses.append(text)
            }
            entry = current.pointee.ai_next
        }
        return addresses
    }
}

/// A host that passed ``AddressGuard/check(host:)``, with the address a connection to it must use.
public struct CheckedHost: Sendable, Hashable {
    /// The host as the URL names it.
    public var host: String
    /// The address that was checked: the one to connect to.
    public var address: IPAddress
    /// Whether the URL named the address itself (nothing to resolve, nothing to pin).
    public var isLiteral: Bool
}

/// Why the bridge will not connect to a host for a client.
public enum AddressRefusal: Error, Sendable, Hashable {
    /// The name does not resolve.
    case unresolvable(host: String)
    /// The host is, or resolves to, an address of a kind the policy forbids.
    case forbidden(kind: NetworkAddressKind, address: IPAddress)
}
