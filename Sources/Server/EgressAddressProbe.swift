import Foundation
import IPAddressing
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Finds the address the bridge's requests leave from, answered by `GET /outputIP`.
///
/// `--egress-ip` gives it as ``fixed(_:)``; without it the live probe is ``route(toward:)`` the Graph URL.
/// Tests hand `buildApplication` their own through ``BridgeDependencies``, so they never depend on the
/// machine's network.
public struct EgressAddressProbe: Sendable {
    /// The address, or why it could not be found.
    public var find: @Sendable () async -> Result<String, EgressAddressUnknown>

    public init(find: @escaping @Sendable () async -> Result<String, EgressAddressUnknown>) {
        self.find = find
    }

    /// Always `address`: the operator's `--egress-ip`, or the sandbox's 127.0.0.1.
    public static func fixed(_ address: String) -> EgressAddressProbe {
        EgressAddressProbe { .success(address) }
    }

    /// The local address of the route to `url`'s host: the host is resolved, a UDP socket is connected to each
    /// of its addresses in turn (connecting a datagram socket sends no packet; it only picks the route), and the
    /// first socket's own address is the answer. Behind NAT this is the private address, not the public one.
    public static func route(toward url: String) -> EgressAddressProbe {
        EgressAddressProbe {
            guard let components = URLComponents(string: url), let named = components.host, !named.isEmpty else {
                return .failure(EgressAddressUnknown(reason: "the Graph URL \(url) names no host"))
            }
            // An IPv6 literal keeps its URL brackets in `host`.
            let host = named.hasPrefix("[") && named.hasSuffix("]") ? String(named.dropFirst().dropLast()) : named
            let port = components.port ?? (components.scheme?.lowercased() == "http" ? 80 : 443)
            // getaddrinfo blocks: it runs on NIO's thread pool, never on an event loop or the task pool.
            do {
                return try await NIOThreadPool.singleton.runIfActive { RouteLookup.localAddress(toward: host, port: port) }
            } catch {
                return .failure(EgressAddressUnknown(reason: "the lookup could not run (\(error))"))
            }
        }
    }
}

/// Why the egress address could not be found, in words for the reply.
public struct EgressAddressUnknown: Error, Sendable, Hashable, CustomStringConvertible {
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}

/// The socket calls behind ``EgressAddressProbe/route(toward:)``.
enum RouteLookup {
    static func localAddress(toward host: String, port: Int) -> Result<String, EgressAddressUnknown> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = datagram
        hints.ai_flags = AI_NUMERICSERV
        var found: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &found)
        guard status == 0, let first = found else {
            return .failure(EgressAddressUnknown(reason: "\(host) could not be resolved: \(String(cString: gai_strerror(status)))"))
        }
        defer { freeaddrinfo(first) }
        var problems: [String] = []
        var next: UnsafeMutablePointer<addrinfo>? = first
        while let entry = next {
            next = entry.pointee.ai_next
            switch localAddress(connectingTo: entry.pointee) {
            case .success(let address): return .success(address)
            case .failure(let problem): problems.append(problem.reason)
            }
        }
        return .failure(EgressAddressUnknown(reason: "no route to \(host): \(problems.joined(separator: "; "))"))
    }

    /// Connects a UDP socket to one resolved address and reads the socket's own address.
    static func localAddress(connectingTo entry: addrinfo) -> Result<String, EgressAddressUnknown> {
        let socketFD = socket(entry.ai_family, entry.ai_socktype, entry.ai_protocol)
        guard socketFD >= 0 else { return .failure(lastError("socket")) }
        defer { close(socketFD) }
        guard connect(socketFD, entry.ai_addr, entry.ai_addrlen) == 0 else { return .failure(lastError("connect")) }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketFD, $0, &length) }
        }
        guard named == 0 else { return .failure(lastError("getsockname")) }
        let printed = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { NumericHost.text(of: $0, length: length) }
        }
        return printed.mapError { EgressAddressUnknown(reason: $0.reason) }
    }

    static func lastError(_ call: String) -> EgressAddressUnknown {
        EgressAddressUnknown(reason: "\(call): \(String(cString: strerror(errno)))")
    }

    #if canImport(Glibc)
        static let datagram = Int32(SOCK_DGRAM.rawValue)
    #else
        static let datagram = SOCK_DGRAM
    #endif
}
