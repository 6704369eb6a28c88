/// One item of a 1MSG `messages` webhook: a message received in, or sent from, a chat.
///
/// Optional members are left out of the JSON when absent (never `null`): strict client decoders
/// accept a missing key more readily than a null of the wrong type.
public struct MessageEvent: Codable, Sendable, Hashable {
    /// The wamid.
    public var id: String
    /// Text for `chat`; the bridge media URL for media types; a summary for the rest.
    public var body: String
    /// `true` for messages the business sent (through the bridge or from the Business app).
    public var fromMe: Bool
    /// 1 for messages sent through the API, 0 otherwise (JSON key `self`).
    public var selfFlag: Int
    public var isForwarded: Bool
    /// Who wrote it: `<wa_id>@c.us`.
    public var author: String
    /// The chat: `<wa_id>@c.us` for a one-to-one chat.
    public var chatId: String
    /// Unix seconds.
    public var time: Int
    /// `chat`, `image`, `video`, `document`, `audio` (voice notes too), `sticker`, `location`, `vcard`, `interactive`,
    /// `button`, `reaction`, or the Cloud type name for the rest.
    public var type: String
    /// The author's profile name, else their number.
    public var senderName: String
    public var chatName: String
    /// A media caption, or a document's file name.
    public var caption: String?
    /// The wamid this message replies (or reacts) to.
    public var quotedMsgId: String?
    /// Structured extras (`location`, `contacts`, `reply`, `nfm`, `payload`, `referral`, the Cloud object, …).
    public var meta: [String: FieldValue]?
    /// The author's business-scoped user id (Meta's `from_user_id`/`user_id`), whenever Meta gives one.
    public var authorBsuid: String?
    /// The author's WhatsApp username (Meta's `profile.username`).
    public var authorUserName: String?

    public init(
        id: String,
        body: String,
        fromMe: Bool,
        selfFlag: Int,
        isForwarded: Bool,
        author: String,
        chatId: String,
        time: Int,
        type: String,
        senderName: String,
        chatName: String,
        caption: String? = nil,
        quotedMsgId: String? = nil,
        meta: [String: FieldValue]? = nil,
        authorBsuid: String? = nil,
        authorUserName: String? = nil
    ) {
        self.id = id
        self.body = body
        self.fromMe = fromMe
        self.selfFlag = selfFlag
        self.isForwarded = isForwarded
        self.author = author
        self.chatId = chatId
        self.time = time
        self.type = type
        self.senderName = senderName
        self.chatName = chatName
        self.caption = caption
        self.quotedMsgId = quotedMsgId
        self.meta = meta
        self.authorBsuid = authorBsuid
        self.authorUserName = authorUserName
    }

    enum CodingKeys: String, CodingKey {
        case id, body, fromMe, isForwarded, author, chatId, time, type, senderName, chatName, caption, quotedMsgId, meta
        case authorBsuid, authorUserName
        case selfFlag = "self"
    }
}

/// One item of a 1MSG `ack` webhook: a status change of a message the business sent.
public struct AckEvent: Codable, Sendable, Hashable {
    /// The wamid the send returned.
    public var id: String
    /// `<number>@c.us`, or `<BSUID>@lid` for a recipient known only by business-scoped id; never empty.
    public var chatId: String
    /// The recipient's number, or their BSUID when Meta gives no number.
    public var phone: String
    /// The recipient's business-scoped user id (Meta's `recipient_user_id`), when Meta gives one.
    public var bsuid: String?
    /// The recipient's WhatsApp username, when Meta gives one.
    public var userName: String?
    /// `sent`, `delivered`, `read`, `failed`, or whatever Meta sent, lower-cased.
    public var status: String
    /// The pricing category (`service`, `marketing`, …).
    public var category: String?
    /// Meta's error title, exactly (clients match on it).
    public var error: String?
    /// Meta's error code (beyond 1MSG).
    public var errorCode: Int?
    /// Meta's explanation (beyond 1MSG).
    public var errorDetails: String?
    /// `true` for a message sent through Marketing Messages (formerly MM Lite); absent otherwise.
    public var mmLite: Bool?
    /// Group sends only: the participant the status is about (`<number>@c.us`, or `<BSUID>@lid`); `chatId` is then
    /// the group's `<group id>@g.us`.
    public var participant: String?

    public init(
        id: String,
        chatId: String,
        phone: String,
        status: String,
        category: String? = nil,
        error: String? = nil,
        errorCode: Int? = nil,
        errorDetails: String? = nil,
        bsuid: String? = nil,
        userName: String? = nil,
        mmLite: Bool? = nil,
        participant: String? = nil
    ) {
        self.id = id
        self.chatId = chatId
        self.phone = phone
        self.status = status
        self.category = category
        self.error = error
        self.errorCode = errorCode
        self.errorDetails = errorDetails
        self.bsuid = bsuid
        self.userName = userName
        self.mmLite = mmLite
        self.participant = participant
    }
}

/// The body of a `messages` webhook POSTed to a client: `{"instanceId", "messages": [...]}`.
public struct MessagesWebhook: Codable, Sendable, Hashable {
    /// The channel id.
    public var instanceId: String
    public var messages: [MessageEvent]

    public init(instanceId: String, messages: [MessageEvent]) {
        self.instanceId = instanceId
        self.messages = messages
    }
}

/// The body of an `ack` webhook POSTed to a client: `{"instanceId", "ack": [...]}`.
public struct AckWebhook: Codable, Sendable, Hashable {
    /// The channel id.
    public var instanceId: String
    public var ack: [AckEvent]

    public init(instanceId: String, ack: [AckEvent]) {
        self.instanceId = instanceId
        self.ack = ack
    }
}
