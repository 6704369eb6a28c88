import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import OneMsg
import Translation

/// Which network addresses the bridge may fetch client-given URLs from (uploadMedia by URL).
public struct FetchPolicy: Sendable, Hashable {
    /// Allow 127.0.0.0/8 and ::1 (tests and the sandbox).
    public var allowLoopback: Bool
    /// Allow private, link-local and other non-public ranges too (single-tenant deployments).
    public var allowPrivate: Bool

    public init(allowLoopback: Bool = false, allowPrivate: Bool = false) {
        self.allowLoopback = allowLoopback
        self.allowPrivate = allowPrivate
    }

    /// Public addresses only: the default.
    public static let publicOnly = FetchPolicy()

    func allows(_ kind: NetworkAddressKind) -> Bool {
        switch kind {
        case .publicAddress: true
        case .loopback: allowLoopback || allowPrivate
        case .privateNetwork, .linkLocal, .reserved: allowPrivate
        }
    }
}

/// What kind of network an IP address belongs to, for the fetch refusal rule.
enum NetworkAddressKind: String, Sendable, Equatable {
    case publicAddress = "public"
    case loopback
    case privateNetwork = "private"
    case linkLocal = "link-local"
    case reserved

    /// Classifies a literal IPv4 or IPv6 address; `nil` when `text` is not one.
    static func classify(_ text: String) -> NetworkAddressKind? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return classify(ipv4: withUnsafeBytes(of: v4.s_addr) { Array($0) })
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return classify(ipv6: withUnsafeBytes(of: v6) { Array($0) })
        }
        return nil
    }

    static func classify(ipv4 b: [UInt8]) -> NetworkAddressKind {
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

    static func classify(ipv6 b: [UInt8]) -> NetworkAddressKind {
        if b[0..<15].allSatisfy({ $0 == 0 }) { return b[15] == 1 ? .loopback : .reserved }
        if b[0..<10].allSatisfy({ $0 == 0 }), b[10] == 0xFF, b[11] == 0xFF { return classify(ipv4: Array(b[12..<16])) }
        if b[0] & 0xFE == 0xFC { return .privateNetwork }
        if b[0] == 0xFE, b[1] & 0xC0 == 0x80 { return .linkLocal }
        if b[0] == 0xFF { return .reserved }
        return .publicAddress
    }
}

/// Downloads files from URLs API clients give (uploadMedia by URL), refusing addresses the
/// ``FetchPolicy`` forbids at every redirect hop, and stopping at a size limit.
struct RemoteFileFetcher: Sendable {
    /// A client that does not follow redirects by itself, so that every hop is checked.
    let httpClient: HTTPClient
    let policy: FetchPolicy
    let timeout: Duration

    static let maxRedirects = 5

    /// The file at `url`, spooled to disk (the caller deletes it), or a problem naming `field` that explains the refusal or failure.
    func fetch(_ url: String, field: String, maxBytes: Int) async throws(ValidationError) -> UploadedFile {
        var current = url
        for _ in 0...Self.maxRedirects {
            guard let components = URLComponents(string: current), let host = components.host, !host.isEmpty,
                ["http", "https"].contains(components.scheme?.lowercased() ?? "")
            else { throw problem(field, "must be an absolute http:// or https:// URL") }
            try await checkAddresses(of: host, field: field)
            let response: HTTPClientResponse
            do {
                var request = HTTPClientRequest(url: current)
                request.headers.add(name: "User-Agent", value: "onemsg-bridge")
                response = try await httpClient.execute(request, timeout: .nanoseconds(timeout.nanosecondsValue))
            } catch {
                throw problem(field, "could not be downloaded: \(Self.describe(error))")
            }
            if (300..<400).contains(response.status.code), let location = response.headers.first(name: "Location"),
                let next = URL(string: location, relativeTo: URL(string: current))?.absoluteString
            {
                current = next
                continue
            }
            guard response.status.code == 200 else {
                throw problem(field, "could not be downloaded: the server answered HTTP \(response.status.code)")
            }
            if let length = response.headers.first(name: "Content-Length").flatMap(Int.init), length > maxBytes {
                throw problem(
                    field, "points to a file of \(MediaTranslation.megabytes(length)), more than the limit of \(MediaTranslation.megabytes(maxBytes))"
                )
            }
            // Written to a spool file as it arrives: a 100 MB document never sits in memory.
            guard let spool = try? FileSpool.create() else { throw problem(field, "could not be stored; retry later") }
            var size = 0
            do {
                defer { try? spool.handle.close() }
                for try await chunk in response.body {
                    size += chunk.readableBytes
                    if size > maxBytes {
                        throw problem(field, "points to a file larger than the limit of \(MediaTranslation.megabytes(maxBytes))")
                    }
                    try spool.handle.write(contentsOf: chunk.readableBytesView)
                }
            } catch {
                try? FileManager.default.removeItem(atPath: spool.path)
                if let error = error as? ValidationError { throw error }
                throw problem(field, "could not be downloaded: \(Self.describe(error))")
            }
            let contentType = response.headers.first(name: "Content-Type")
            let name = MediaTranslation.lastPathComponent(of: current)
            return UploadedFile(
                filename: name, contentType: contentType, contents: .spooled(path: spool.path, size: size), fieldName: field)
        }
        throw problem(field, "redirects more than \(Self.maxRedirects) times")
    }

    private func checkAddresses(of host: String, field: String) async throws(ValidationError) {
        let bare = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        let addresses: [String]
        if NetworkAddressKind.classify(bare) != nil {
            addresses = [bare]
        } else {
            do {
                addresses = try await NIOThreadPool.singleton.runIfActive { try Self.resolve(bare) }
            } catch {
                throw problem(field, "names a host that does not resolve (\(host))")
            }
        }
        for address in addresses {
            let kind = NetworkAddressKind.classify(address) ?? .reserved
            if !policy.allows(kind) {
                throw problem(
                    field, "resolves to a \(kind.rawValue) address (\(address)); the bridge fetches only public addresses unless configured otherwise"
                )
            }
        }
    }

    /// Every address `host` resolves to, as text.
    static func resolve(_ host: String) throws -> [String] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else {
            throw ResolutionError()
        }
        defer { freeaddrinfo(first) }
        var addresses: [String] = []
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            if case .success(let text) = NumericHost.text(of: current.pointee.ai_addr, length: current.pointee.ai_addrlen) {
                addresses.append(text)
            }
            entry = current.pointee.ai_next
        }
        guard !addresses.isEmpty else { throw ResolutionError() }
        return addresses
    }

    struct ResolutionError: Error {}

    private func problem(_ field: String, _ rule: String) -> ValidationError {
        ValidationError([FieldProblem(field: field, rule: rule)])
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout, .deadlineExceeded, .readTimeout: return "the download timed out"
            default: return "the connection failed"
            }
        }
        return "the connection failed"
    }
}
