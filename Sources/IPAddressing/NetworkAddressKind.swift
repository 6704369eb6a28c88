import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An IPv4 or IPv6 address as its bytes (4 or 16); an IPv4-mapped IPv6 address (`::ffff:192.0.2.1`) is its IPv4
/// address, so that one client has one address whichever socket family it reached the bridge on.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 for IPv6, in network order.
    public let bytes: [UInt8]

    /// Parses a literal address (`192.0.2.1`, `2001:db8::1`, optionally in brackets); `nil` for anything else.
    public init?(_ text: some StringProtocol) {
        var literal = String(text)
        if literal.hasPrefix("["), literal.hasSuffix("]") { literal = String(literal.dropFirst().dropLast()) }
        var v4 = in_addr()
        if inet_pton(AF_INET, literal, &v4) == 1 {
            bytes = withUnsafeBytes(of: v4.s_addr) { Array($0) }
            return
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, literal, &v6) == 1 else { return nil }
        let all = withUnsafeBytes(of: v6) { Array($0) }
        let mapped = all[0..<10].allSatisfy { $0 == 0 } && all[10] == 0xFF && all[11] == 0xFF
        bytes = mapped ? Array(all[12..<16]) : all
    }

    /// Whether this is an IPv4 address.
    public var isIPv4: Bool { bytes.count == 4 }

    /// The address in its usual text form.
    public var description: String {
        var text = [CChar](repeating: 0, count: 64)
        let family = isIPv4 ? AF_INET : AF_INET6
        let written = bytes.withUnsafeBytes { raw in inet_ntop(family, raw.baseAddress, &text, socklen_t(text.count)) }
        guard written != nil else { return "?" }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Which kind of network the address belongs to.
    public var kind: NetworkAddressKind {
        isIPv4 ? NetworkAddressKind.classify(ipv4: bytes) : NetworkAddressKind.classify(ipv6: bytes)
    }
}

/// What kind of network an IP address belongs to, for the rules on the addresses the bridge connects to for clients.
public enum NetworkAddressKind: String, Sendable, Equatable {
    /// Reachable on the internet.
    case publicAddress = "public"
    /// 127.0.0.0/8 and ::1.
    case loopback
    /// RFC 1918, carrier-grade NAT (100.64.0.0/10) and IPv6 unique-local addresses.
    case privateNetwork = "private"
    /// 169.254.0.0/16 (cloud metadata services live there) and fe80::/10.
    case linkLocal = "link-local"
    /// Unspecified, multicast, benchmarking and other special-purpose ranges.
    case reserved

    /// Classifies a literal IPv4 or IPv6 address; `nil` when `text` is not one.
    public static func classify(_ text: String) -> NetworkAddressKind? {
        IPAddress(text)?.kind
    }

    /// Classifies the 4 bytes of an IPv4 address.
    public static func classify(ipv4 b: [UInt8]) -> NetworkAddressKind {
        switch (b[0], b[1]) {
        case (127, _): .loopback
        case (10, _), (172, 16...31), (192, 168), (100, 64...127): .privateNetwork
        case (169, 254): .linkLocal
        case (0, _), (224...255, _), (198, 18...19),
            (192, 0) where b[2] == 0:
            .reserved
        default: .publicAddress
        }
    }

    /// Classifies the 16 bytes of an IPv6 address (an IPv4-mapped one by its IPv4 address).
    public static func classify(ipv6 b: [UInt8]) -> NetworkAddressKind {
        if b[0..<15].allSatisfy({ $0 == 0 }) { return b[15] == 1 ? .loopback : .reserved }
        if b[0..<10].allSatisfy({ $0 == 0 }), b[10] == 0xFF, b[11] == 0xFF { return classify(ipv4: Array(b[12..<16])) }
        if b[0] & 0xFE == 0xFC { return .privateNetwork }
        if b[0] == 0xFE, b[1] & 0xC0 == 0x80 { return .linkLocal }
        if b[0] == 0xFF { return .reserved }
        return .publicAddress
    }
}

/// Which network addresses the bridge may connect to on a client's behalf (uploadMedia by URL, and client webhooks
/// under `--deny-private-webhooks`).
public struct FetchPolicy: Sendable, Hashable {
    /// Allow 127.0.0.0/8 and ::1 (tests and the sandbox).
    public var allowLoopback: Bool
    /// Allow private, link-local and other non-public ranges too (single-tenant deployments).
    public var allowPrivate: Bool

    /// A policy; by default public addresses only.
    public init(allowLoopback: Bool = false, allowPrivate: Bool = false) {
        self.allowLoopback = allowLoopback
        self.allowPrivate = allowPrivate
    }

    /// Public addresses only: the default.
    public static let publicOnly = FetchPolicy()

    /// Whether an address of `kind` may be connected to.
    public func allows(_ kind: NetworkAddressKind) -> Bool {
        switch kind {
        case .publicAddress: true
        case .loopback: allowLoopback || allowPrivate
        case .privateNetwork, .linkLocal, .reserved: allowPrivate
        }
    }
}

/// A CIDR range of addresses (`10.0.0.0/8`, `2001:db8::/32`, or one address), e.g. the trusted proxies.
public struct AddressRange: Sendable, Hashable, CustomStringConvertible {
    /// The range's first address.
    public let network: IPAddress
    /// How many leading bits every address of the range shares with ``network``.
    public let prefixLength: Int

    /// Parses `address/length` or a bare address (a range of one); `nil` when `text` is neither.
    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = IPAddress(parts[0]) else { return nil }
        let bits = address.bytes.count * 8
        guard let length = parts.count == 2 ? Int(parts[1]) : bits, (0...bits).contains(length) else { return nil }
        network = address
        prefixLength = length
    }

    /// Whether `address` lies in the range (never across the IPv4 and IPv6 families).
    public func contains(_ address: IPAddress) -> Bool {
        guard address.bytes.count == network.bytes.count else { return false }
        var remaining = prefixLength
        for (a, b) in zip(address.bytes, network.bytes) where remaining > 0 {
            let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
            if a & mask != b & mask { return false }
            remaining -= 8
        }
        return true
    }

    /// `address/length`.
    public var description: String { "\(network)/\(prefixLength)" }
}
