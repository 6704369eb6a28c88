import Crypto
import Foundation
import Store

/// The Standard Webhooks headers of one delivery (standardwebhooks.com): `webhook-id`, `webhook-timestamp` and
/// `webhook-signature`, the last being `v1,` + base64 HMAC-SHA256 of `id.timestamp.body` keyed by each secret. Pure.
public enum StandardWebhookSignature {
    /// The id of a delivery: the same body gets the same id on every attempt and replay, so receivers can
    /// deduplicate on it; a digest of the body, as the outbox keeps only the body.
    public static func messageID(for body: [UInt8]) -> String {
        "msg_" + Hex.lowercase(SHA256.hash(data: body)).prefix(32)
    }

    /// `v1,<base64 signature>`; `nil` when `secret` is not a `whsec_` secret.
    public static func signature(id: String, timestamp: Int, body: [UInt8], secret: String) -> String? {
        guard let key = WebhookSigningSecrets.key(of: secret) else { return nil }
        var signed = Array("\(id).\(timestamp).".utf8)
        signed += body
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: key))
        return "v1," + Data(mac).base64EncodedString()
    }

    /// The three headers of a delivery of `body` at `now`, signed by every secret `secrets` uses then (space-separated,
    /// as the specification allows while a secret is rotated).
    public static func headers(body: [UInt8], secrets: WebhookSigningSecrets, now: Date) -> [(name: String, value: String)] {
        let id = messageID(for: body)
        let timestamp = Int(now.timeIntervalSince1970)
        let signatures = secrets.secrets(at: now).compactMap { signature(id: id, timestamp: timestamp, body: body, secret: $0) }
        return [
            ("webhook-id", id), ("webhook-timestamp", String(timestamp)), ("webhook-signature", signatures.joined(separator: " ")),
        ]
    }
}
