import ArgumentParser
import Foundation
import IPAddressing

/// `--deny-private-webhooks` for `channel add|update`: the rule `serve --deny-private-webhooks` applies to the webhook
/// URLs clients set, applied to `--webhook-url` and `--event-sink` (the dispatcher checks again at each delivery either
/// way).
struct WebhookAddressOptions: ParsableArguments {
    @Flag(
        help:
            "Refuse --webhook-url and --event-sink values whose host resolves to a private, loopback, link-local or reserved address, as serve --deny-private-webhooks does (env BRIDGE_DENY_PRIVATE_WEBHOOKS=1)."
    )
    var denyPrivateWebhooks = false

    /// Whether the flag or its environment variable is on.
    var isOn: Bool {
        denyPrivateWebhooks || ["1", "true", "yes"].contains(Environment.value("BRIDGE_DENY_PRIVATE_WEBHOOKS")?.lowercased() ?? "")
    }

    /// Throws naming the first of `urls` (given as `option`) whose host is refused, when the rule is on.
    func check(_ urls: [String], option: String = "--webhook-url") async throws {
        guard isOn else { return }
        let addressGuard = AddressGuard(policy: .publicOnly)
        for url in urls {
            guard let host = PinnedHTTPClient.host(of: url) else {
                throw CommandFailure("\(option) \(url) names no host")
            }
            do {
                _ = try await addressGuard.check(host: host)
            } catch {
                switch error {
                case .unresolvable:
                    throw CommandFailure("\(option) \(url): the host does not resolve; --deny-private-webhooks allows public addresses only")
                case .forbidden(let kind, let address):
                    throw CommandFailure(
                        "\(option) \(url) resolves to a \(kind.rawValue) address (\(address)); --deny-private-webhooks allows public addresses only"
                    )
                }
            }
        }
    }
}
