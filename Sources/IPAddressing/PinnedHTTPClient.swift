import AsyncHTTPClient
import Foundation
import Logging

/// Runs requests to a host over a connection to the address ``AddressGuard`` checked, with no DNS lookup of its own.
///
/// AsyncHTTPClient's `dnsOverride` maps the URL's host name to the checked address literal: the client connects to
/// that address, while the `Host` header, TLS SNI and certificate verification still use the name. The override is
/// a client setting, so each pinned exchange gets its own short-lived client, shut down when `body` returns (its
/// response body must be read inside `body`). Redirects are never followed: each hop needs its own check.
public enum PinnedHTTPClient {
    /// The host of `url` exactly as AsyncHTTPClient reads it (Foundation's `URL.host`), the name the override must
    /// map: check this host, so that the checked name and the connected one cannot differ.
    public static func host(of url: String) -> String? {
        guard let host = URL(string: url)?.host, !host.isEmpty else { return nil }
        return host
    }

    /// Runs `body` with a client whose connections to `checked.host` go to `checked.address`.
    public static func with<Value>(
        _ checked: CheckedHost, configuration: HTTPClient.Configuration, logger: Logger? = nil,
        _ body: (HTTPClient) async throws -> Value
    ) async throws -> Value {
        var configuration = configuration
        configuration.redirectConfiguration = .disallow
        if !checked.isLiteral {
            let address = checked.address.description
            for name in [checked.host, checked.host.lowercased()] { configuration.dnsOverride[name] = address }
        }
        return try await HTTPClient.withHTTPClient(
            eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration, backgroundActivityLogger: logger, body)
    }
}
