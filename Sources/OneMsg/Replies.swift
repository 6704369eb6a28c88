/// The reply to every 1MSG send operation (`SendMessageStatus` in 1MSG's spec).
///
/// Upstream refusals are HTTP 200 with `sent: false`; legacy clients test `sent === true`.
public struct SendReply: Codable, Sendable, Hashable {
    public var sent: Bool
    /// The wamid; absent when nothing was sent.
    public var id: String?
    public var message: String
    public var description: String

    public init(sent: Bool, id: String?, message: String, description: String) {
        self.sent = sent
        self.id = id
        self.message = message
        self.description = description
    }

    /// A message the provider accepted.
    public static func accepted(id: String, recipient: Recipient) -> SendReply {
        SendReply(
            sent: true,
            id: id,
            message: "Sent to \(recipient.chatId)",
            description: "Message has been sent to the provider"
        )
    }
}

/// The body of every 1MSG error reply: `{"error": "…"}`.
public struct ErrorReply: Codable, Sendable, Hashable {
    public var error: String

    public init(error: String) {
        self.error = error
    }
}
