import Foundation
import IPAddressing
import OneMsg

/// Under `--deny-private-webhooks`, refuses webhook URLs a client sets whose host is, or resolves to, an address
/// other than a public one (the dispatcher checks again at each delivery: DNS answers change).
struct WebhookURLCheck: Sendable {
    /// The check, or `nil` when webhook URLs may point anywhere (the default).
    let addressGuard: AddressGuard?

    /// No check.
    static let open = WebhookURLCheck(addressGuard: nil)

    /// Throws the 400 naming `field` (`webhookUrl`, `eventSinks`) and the rule when one of `urls` is refused.
    func validate(_ urls: [String], field: String = "webhookUrl") async throws {
        guard let addressGuard else { return }
        for url in urls {
            guard let host = PinnedHTTPClient.host(of: url) else {
                throw Self.refusal(field, "must name a host (got \"\(url)\")")
            }
            do {
                _ = try await addressGuard.check(host: host)
            } catch {
                switch error {
                case .unresolvable:
                    throw Self.refusal(field, "names a host that does not resolve (\(host)); the bridge posts only to public addresses")
                case .forbidden(let kind, let address):
                    throw Self.refusal(
                        field,
                        "resolves to a \(kind.rawValue) address (\(address)); the bridge posts webhooks only to public addresses (--deny-private-webhooks)"
                    )
                }
            }
        }
    }

    private static func refusal(_ field: String, _ rule: String) -> BridgeError {
        .invalid(ValidationError([FieldProblem(field: field, rule: rule)]))
    }
}
