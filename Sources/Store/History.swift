import Foundation

/// A message the bridge sent or received, as kept in the history.
public struct StoredMessage: Sendable, Hashable {
    /// The channel the message belongs to.
    public var channelID: String
    /// The wamid.
    public var id: String
    /// The 1MSG chat id (`<digits>@c.us`, `<id>@g.us`, `<BSUID>@lid`).
    public var chatID: String
    /// Sent by the business (through the bridge or the Business App), not by the customer.
    public var fromMe: Bool
    /// The 1MSG message type (`chat`, `image`, …).
    public var type: String
    /// The 1MSG `body` (text, media URL, summary).
    public var body: String
    /// The wamid this message replies or reacts to.
    public var quotedMsgID: String?
    /// When the message was sent or received.
    public var time: Date
    /// The 1MSG `messages` item as JSON, served by `GET /messages`.
    public var event: [UInt8]?
    /// The customer's business-scoped user id, when Meta gave one (`GET /messages?chatId=<BSUID>@lid` finds it
    /// whatever the chat id).
    public var businessScopedUserID: String?

    /// A history message.
    public init(
        channelID: String, id: String, chatID: String, fromMe: Bool, type: String, body: String, quotedMsgID: String?, time: Date,
        event: [UInt8]? = nil, businessScopedUserID: String? = nil
    ) {
        self.channelID = channelID
        self.id = id
        self.chatID = chatID
        self.fromMe = fromMe
        self.type = type
        self.body = body
        self.quotedMsgID = quotedMsgID
        self.time = time
        self.event = event
        self.businessScopedUserID = businessScopedUserID
    }
}

/// Filters of `GET /messages`, as 1MSG defines them.
public struct HistoryQuery: Sendable, Hashable {
    /// Newest first instead of oldest first.
    public var last = false
    /// Only messages numbered above this one.
    public var afterMessageNumber: Int64?
    /// Only messages numbered at or above this one.
    public var fromMessageNumber: Int64?
    /// At most this many; `nil` for all.
    public var limit: Int? = 100
    /// Only messages of this chat.
    public var chatID: String?
    /// Only messages at or after this time.
    public var minTime: Date?
    /// Only messages at or before this time.
    public var maxTime: Date?
    /// Only the message with this wamid.
    public var messageID: String?

    /// The query of a bare `GET /messages`: the first 100, oldest first.
    public init() {}
}

/// A history row: the per-channel number and the message.
public struct HistoryEntry: Sendable, Hashable {
    /// The message's number in its channel, from 1, in the order messages were recorded.
    public var messageNumber: Int64
    /// The message.
    public var message: StoredMessage

    /// A history row.
    public init(messageNumber: Int64, message: StoredMessage) {
        self.messageNumber = messageNumber
        self.message = message
    }
}
