import Foundation

/// A 1MSG channel: what a legacy client calls an instance, backed by one WhatsApp business number.
public struct ChannelRecord: Sendable, Hashable {
    /// The 1MSG channel id, the first path segment of legacy URLs (`VID182868781`).
    public var id: String
    /// SHA-256 of the channel's 1MSG token, hex; the token itself is never stored.
    public var tokenHash: String
    /// Meta's phone number id; unique across channels, routes inbound webhooks.
    public var phoneNumberID: String
    /// Meta's WhatsApp Business Account id.
    public var wabaID: String
    /// Meta access token (system user), sent as Bearer upstream.
    public var accessToken: String
    /// Meta app secret, the key of webhook signatures.
    public var appSecret: String
    /// The token Meta echoes in the webhook verification handshake.
    public var verifyToken: String
    /// Client-facing settings (webhook URLs, ack notifications, …).
    public var settings: ChannelSettings
    public var createdAt: Date

    public init(
        id: String,
        tokenHash: String,
        phoneNumberID: String,
        wabaID: String,
        accessToken: String,
        appSecret: String,
        verifyToken: String,
        settings: ChannelSettings = ChannelSettings(),
        createdAt: Date = Date()
    ) {
        self.id = id
        self.tokenHash = tokenHash
        self.phoneNumberID = phoneNumberID
        self.wabaID = wabaID
        self.accessToken = accessToken
        self.appSecret = appSecret
        self.verifyToken = verifyToken
        self.settings = settings
        self.createdAt = createdAt
    }
}

/// The settings a 1MSG client controls through `/settings` and `/webhook`.
public struct ChannelSettings: Codable, Sendable, Hashable {
    /// Where `messages` and `ack` events are pushed (at most 5).
    public var webhookURLs: [String]
    /// Whether `ack` events are pushed (1MSG's default for a new channel is on).
    public var ackNotificationsOn: Bool
    /// Push `viewed` instead of `read` in acks, for clients written against 1MSG 2.39.
    public var readAckAsViewed: Bool
    /// Retry failed deliveries until they succeed or expire (on by default); off, each event gets one
    /// attempt and a failure goes straight to the dead letters.
    public var guaranteedHooks: Bool
    /// Also push each Meta webhook change for this channel as Meta sent it, with `instanceId` added.
    public var rawHooks: Bool
    /// The business number as WhatsApp shows it (learned from Meta's webhooks), the `author` of echoes.
    public var displayPhoneNumber: String?
    /// The Meta app id, needed for resumable uploads (profile pictures, template header examples).
    /// Set by the operator (`channel add|update --app-id`), not by 1MSG clients.
    public var metaAppID: String?

    public init(
        webhookURLs: [String] = [], ackNotificationsOn: Bool = true, readAckAsViewed: Bool = false,
        guaranteedHooks: Bool = true, rawHooks: Bool = false, displayPhoneNumber: String? = nil, metaAppID: String? = nil
    ) {
        self.webhookURLs = webhookURLs
        self.ackNotificationsOn = ackNotificationsOn
        self.readAckAsViewed = readAckAsViewed
        self.guaranteedHooks = guaranteedHooks
        self.rawHooks = rawHooks
        self.displayPhoneNumber = displayPhoneNumber
        self.metaAppID = metaAppID
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        webhookURLs = try container.decodeIfPresent([String].self, forKey: .webhookURLs) ?? []
        ackNotificationsOn = try container.decodeIfPresent(Bool.self, forKey: .ackNotificationsOn) ?? true
        readAckAsViewed = try container.decodeIfPresent(Bool.self, forKey: .readAckAsViewed) ?? false
        guaranteedHooks = try container.decodeIfPresent(Bool.self, forKey: .guaranteedHooks) ?? true
        rawHooks = try container.decodeIfPresent(Bool.self, forKey: .rawHooks) ?? false
        displayPhoneNumber = try container.decodeIfPresent(String.self, forKey: .displayPhoneNumber)
        metaAppID = try container.decodeIfPresent(String.self, forKey: .metaAppID)
    }
}

/// A message the bridge sent or received, as kept in the history.
public struct StoredMessage: Sendable, Hashable {
    public var channelID: String
    /// The wamid.
    public var id: String
    public var chatID: String
    public var fromMe: Bool
    /// The 1MSG message type (`chat`, `image`, …).
    public var type: String
    public var body: String
    public var quotedMsgID: String?
    public var time: Date
    /// The 1MSG `messages` item as JSON, served by `GET /messages`.
    public var event: [UInt8]?

    public init(channelID: String, id: String, chatID: String, fromMe: Bool, type: String, body: String, quotedMsgID: String?, time: Date, event: [UInt8]? = nil) {
        self.channelID = channelID
        self.id = id
        self.chatID = chatID
        self.fromMe = fromMe
        self.type = type
        self.body = body
        self.quotedMsgID = quotedMsgID
        self.time = time
        self.event = event
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
    public var chatID: String?
    public var minTime: Date?
    public var maxTime: Date?
    public var messageID: String?

    public init() {}
}

/// A history row: the per-channel number and the message.
public struct HistoryEntry: Sendable, Hashable {
    public var messageNumber: Int64
    public var message: StoredMessage

    public init(messageNumber: Int64, message: StoredMessage) {
        self.messageNumber = messageNumber
        self.message = message
    }
}

/// Errors of the store layer. Descriptions never contain secrets.
public enum StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A channel with this id or phone number id exists already.
    case channelExists(field: String, value: String)
    case channelNotFound(id: String)
    /// The `--database` value names no store this build supports.
    case unsupportedDatabase(String)
    /// The database failed; the text is the driver's, without bound values.
    case database(String)

    public var description: String {
        switch self {
        case .channelExists(let field, let value): "a channel with \(field) \"\(value)\" exists already"
        case .channelNotFound(let id): "no channel with id \"\(id)\""
        case .unsupportedDatabase(let reason): reason
        case .database(let reason): "database error: \(reason)"
        }
    }
}
