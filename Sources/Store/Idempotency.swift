import Foundation

/// What the store knew of a send's `Idempotency-Key` when the send claimed it
/// (``BridgeStore/claimIdempotencyKey(channelID:key:fingerprint:now:)``).
public enum IdempotencyClaim: Sendable, Hashable {
    /// The key was new (or its record had expired): it is now held for this request, which goes ahead and ends with
    /// ``BridgeStore/recordIdempotentReply(channelID:key:reply:)`` or ``BridgeStore/releaseIdempotencyKey(channelID:key:)``.
    case claimed
    /// The same request was answered before: repeat this reply, and call Meta no more.
    case answered(IdempotentReply)
    /// The key came before with a different request (another fingerprint).
    case conflict
    /// The same request claimed the key at `since` and has no reply yet: it is still under way, or the process that
    /// made it stopped before Meta's answer was recorded.
    case pending(since: Date)
}

/// A reply kept for an idempotency key: the HTTP status and the JSON body, repeated byte for byte.
public struct IdempotentReply: Sendable, Hashable {
    public var status: Int
    public var body: [UInt8]

    public init(status: Int, body: [UInt8]) {
        self.status = status
        self.body = body
    }
}

/// How long an idempotency key holds (24 hours), after which the same key is a new request.
public enum IdempotencyKeys {
    public static let lifetime: TimeInterval = 24 * 3600
}
