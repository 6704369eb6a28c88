import Foundation

/// A channel's Standard Webhooks signing secrets: with them, every webhook and event the bridge posts for the channel
/// carries `webhook-id`, `webhook-timestamp` and `webhook-signature`.
///
/// A secret is `whsec_` followed by the base64 of its key bytes, the form Standard Webhooks libraries take as is.
public struct WebhookSigningSecrets: Codable, Sendable, Hashable {
    /// The secret every delivery is signed with.
    public var current: String
    /// The secret before the last rotation: deliveries carry its signature too until ``previousUntil``, so a receiver
    /// keeps verifying while it switches to the new secret.
    public var previous: String?
    /// When the previous secret stops being used.
    public var previousUntil: Date?

    /// How long a rotated-out secret keeps signing beside the new one.
    public static let rotationOverlap: TimeInterval = 24 * 60 * 60

    /// Secrets as stored.
    public init(current: String, previous: String? = nil, previousUntil: Date? = nil) {
        self.current = current
        self.previous = previous
        self.previousUntil = previousUntil
    }

    /// The secrets that sign a delivery made at `now`: the current one, and the previous one while it overlaps.
    public func secrets(at now: Date) -> [String] {
        guard let previous, let previousUntil, now < previousUntil else { return [current] }
        return [current, previous]
    }

    /// The secrets after `replacement` takes over at `now`; the current secret keeps signing for ``rotationOverlap``.
    public func rotated(to replacement: String, at now: Date) -> WebhookSigningSecrets {
        WebhookSigningSecrets(current: replacement, previous: current, previousUntil: now.addingTimeInterval(Self.rotationOverlap))
    }

    /// A new random secret: `whsec_` and the base64 of 32 random bytes.
    public static func generateSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let key = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return "whsec_" + Data(key).base64EncodedString()
    }

    /// The key bytes of a secret (`whsec_` + base64 of 24 to 64 bytes); `nil` when it is not one.
    public static func key(of secret: String) -> [UInt8]? {
        guard secret.hasPrefix("whsec_"), let key = Data(base64Encoded: String(secret.dropFirst(6))), (24...64).contains(key.count) else {
            return nil
        }
        return Array(key)
    }
}
