import AsyncHTTPClient
import Foundation
import IPAddressing
import NIOCore

/// How the dispatcher reaches a client webhook URL: through the shared client when any address is allowed (the
/// default), or, under `--deny-private-webhooks`, only after ``AddressGuard`` found every address of the URL's host
/// public, over a connection pinned to the checked address (``PinnedHTTPClient``).
public struct WebhookAddressGuard: Sendable {
    /// The check, or `nil` when webhook URLs may point anywhere.
    public let addressGuard: AddressGuard?
    /// The settings of the pinned clients (timeouts).
    public let configuration: HTTPClient.Configuration

    /// A guard checking with `addressGuard` (`nil`: no check) and connecting with `configuration`.
    public init(checking addressGuard: AddressGuard?, configuration: HTTPClient.Configuration = .init()) {
        self.addressGuard = addressGuard
        self.configuration = configuration
    }

    /// No check: webhook URLs may point at any address (legacy receivers on the operator's own network).
    public static let open = WebhookAddressGuard(checking: nil)

    /// Sends `request`; under a check the answer's body (at most 64 KiB of it) is already read, since the pinned
    /// client is gone when this returns. Throws ``WebhookAddressRefused`` when the URL's host is refused.
    public func execute(_ request: HTTPClientRequest, timeout: TimeAmount, sharedClient: HTTPClient) async throws -> HTTPClientResponse {
        guard let addressGuard else { return try await sharedClient.execute(request, timeout: timeout) }
        guard let host = PinnedHTTPClient.host(of: request.url) else {
            throw WebhookAddressRefused(reason: "the webhook URL has no host")
        }
        let checked: CheckedHost
        do {
            checked = try await addressGuard.check(host: host)
        } catch {
            switch error {
            case .unresolvable: throw WebhookAddressRefused(reason: "the webhook host \(host) does not resolve")
            case .forbidden(let kind, let address):
                throw WebhookAddressRefused(
                    reason: "the webhook host \(host) resolves to a \(kind.rawValue) address (\(address)), refused by --deny-private-webhooks")
            }
        }
        return try await PinnedHTTPClient.with(checked, configuration: configuration) { client in
            let response = try await client.execute(request, timeout: timeout)
            let body = (try? await response.body.collect(upTo: 64 * 1024)) ?? ByteBuffer()
            return HTTPClientResponse(version: response.version, status: response.status, headers: response.headers, body: .bytes(body))
        }
    }
}

/// A delivery attempt was not made: the webhook URL's host is refused by ``WebhookAddressGuard``.
public struct WebhookAddressRefused: Error, Sendable {
    /// Why, as recorded in the outbox entry's error.
    public let reason: String
}
