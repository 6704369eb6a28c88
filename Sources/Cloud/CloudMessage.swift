/// The body of `POST /{version}/{phone-number-id}/messages` in the WhatsApp Cloud API.
///
/// Encodes to exactly the JSON Meta documents: the envelope plus one object named after `type`.
public struct CloudMessage: Codable, Sendable, Hashable {
    /// Who receives the message.
    public enum Addressee: Sendable, Hashable {
        /// A user by phone number or wa_id (`to`).
        case individual(String)
        /// A group by id (`to`, `recipient_type: group`).
        case group(String)
        /// A user by business-scoped user id (`recipient`, newer Graph versions).
        case businessScopedUser(String)
    }

    /// The content of the message; its case decides `type`.
    public enum Content: Sendable, Hashable {
        case text(Text)
        /// `image`, `video`, `audio`, `document` or `sticker`.
        case media(MediaKind, Media)
        case location(Location)
        case reaction(Reaction)
        /// The `contacts` array, each element a Cloud contact object.
        case contacts([CloudJSON])
        /// The `interactive` object (list, button, cta_url, flow, product, carousel, …).
        case interactive(CloudJSON)
        /// The `template` object: name, language and components.
        case template(CloudJSON)
    }

    /// The five kinds of media message; the raw value is the Cloud `type`.
    public enum MediaKind: String, Codable, Sendable, Hashable, CaseIterable {
        case image, video, audio, document, sticker

        /// Whether Meta accepts a `caption` on this kind.
        public var takesCaption: Bool { self == .image || self == .video || self == .document }

        /// Meta's size limit for this kind, in bytes (stickers: the animated limit).
        public var maxBytes: Int {
            switch self {
            case .image: 5 * 1024 * 1024
            case .video, .audio: 16 * 1024 * 1024
            case .document: 100 * 1024 * 1024
            case .sticker: 500 * 1024
            }
        }
    }

    /// `text` object.
    public struct Text: Codable, Sendable, Hashable {
        public var body: String
        public var previewURL: Bool?

        public init(body: String, previewURL: Bool?) {
            self.body = body
            self.previewURL = previewURL
        }

        enum CodingKeys: String, CodingKey {
            case body
            case previewURL = "preview_url"
        }
    }

    /// A media object: exactly one of `id` (uploaded media) or `link` (public URL Meta fetches).
    public struct Media: Codable, Sendable, Hashable {
        public var id: String?
        public var link: String?
        public var caption: String?
        /// Documents only: the name shown to the recipient.
        public var filename: String?
        /// Audio only: marks an OGG/OPUS file as a voice note.
        public var voice: Bool?

        public init(id: String? = nil, link: String? = nil, caption: String? = nil, filename: String? = nil, voice: Bool? = nil) {
            self.id = id
            self.link = link
            self.caption = caption
            self.filename = filename
            self.voice = voice
        }
    }

    /// `location` object; Meta accepts the coordinates as numbers.
    public struct Location: Codable, Sendable, Hashable {
        public var latitude: Double
        public var longitude: Double
        public var name: String?
        public var address: String?

        public init(latitude: Double, longitude: Double, name: String? = nil, address: String? = nil) {
            self.latitude = latitude
            self.longitude = longitude
            self.name = name
            self.address = address
        }
    }

    /// `reaction` object: an emoji on an earlier message; an empty emoji removes the reaction.
    public struct Reaction: Codable, Sendable, Hashable {
        public var messageID: String
        public var emoji: String

        public init(messageID: String, emoji: String) {
            self.messageID = messageID
            self.emoji = emoji
        }

        enum CodingKeys: String, CodingKey {
            case messageID = "message_id"
            case emoji
        }
    }

    /// `context` object: the message this one replies to.
    public struct Context: Codable, Sendable, Hashable {
        public var messageID: String

        public init(messageID: String) {
            self.messageID = messageID
        }

        enum CodingKeys: String, CodingKey {
            case messageID = "message_id"
        }
    }

    public var addressee: Addressee
    public var content: Content
    public var context: Context?
    /// `message_activity_sharing`: whether Meta may share the message's activity (opens, clicks) with the
    /// business; only Marketing Messages sends (`/marketing_messages`) take it.
    public var messageActivitySharing: Bool?

    public init(addressee: Addressee, content: Content, context: Context? = nil, messageActivitySharing: Bool? = nil) {
        self.addressee = addressee
        self.content = content
        self.context = context
        self.messageActivitySharing = messageActivitySharing
    }

    /// The Cloud `type` of this message.
    public var type: String {
        switch content {
        case .text: "text"
        case .media(let kind, _): kind.rawValue
        case .location: "location"
        case .reaction: "reaction"
        case .contacts: "contacts"
        case .interactive: "interactive"
        case .template: "template"
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: JSONKey.self)
        try container.encode("whatsapp", forKey: JSONKey("messaging_product"))
        switch addressee {
        case .individual(let id):
            try container.encode("individual", forKey: JSONKey("recipient_type"))
            try container.encode(id, forKey: JSONKey("to"))
        case .group(let id):
            try container.encode("group", forKey: JSONKey("recipient_type"))
            try container.encode(id, forKey: JSONKey("to"))
        case .businessScopedUser(let id):
            try container.encode("individual", forKey: JSONKey("recipient_type"))
            try container.encode(id, forKey: JSONKey("recipient"))
        }
        try container.encode(type, forKey: JSONKey("type"))
        try container.encodeIfPresent(context, forKey: JSONKey("context"))
        try container.encodeIfPresent(messageActivitySharing, forKey: JSONKey("message_activity_sharing"))
        let key = JSONKey(type)
        switch content {
        case .text(let text): try container.encode(text, forKey: key)
        case .media(_, let media): try container.encode(media, forKey: key)
        case .location(let location): try container.encode(location, forKey: key)
        case .reaction(let reaction): try container.encode(reaction, forKey: key)
        case .contacts(let contacts): try container.encode(contacts, forKey: key)
        case .interactive(let object), .template(let object): try container.encode(object, forKey: key)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: JSONKey.self)
        if let recipient = try container.decodeIfPresent(String.self, forKey: JSONKey("recipient")) {
            addressee = .businessScopedUser(recipient)
        } else {
            let to = try container.decode(String.self, forKey: JSONKey("to"))
            let recipientType = try container.decodeIfPresent(String.self, forKey: JSONKey("recipient_type"))
            addressee = recipientType == "group" ? .group(to) : .individual(to)
        }
        context = try container.decodeIfPresent(Context.self, forKey: JSONKey("context"))
        messageActivitySharing = try container.decodeIfPresent(Bool.self, forKey: JSONKey("message_activity_sharing"))
        let type = try container.decodeIfPresent(String.self, forKey: JSONKey("type")) ?? "text"
        let key = JSONKey(type)
        switch type {
        case "text": content = .text(try container.decode(Text.self, forKey: key))
        case "location": content = .location(try container.decode(Location.self, forKey: key))
        case "reaction": content = .reaction(try container.decode(Reaction.self, forKey: key))
        case "contacts": content = .contacts(try container.decode([CloudJSON].self, forKey: key))
        case "interactive": content = .interactive(try container.decode(CloudJSON.self, forKey: key))
        case "template": content = .template(try container.decode(CloudJSON.self, forKey: key))
        default:
            guard let kind = MediaKind(rawValue: type) else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: container, debugDescription: "unsupported message type \(type)")
            }
            content = .media(kind, try container.decode(Media.self, forKey: key))
        }
    }
}

/// The body that marks an inbound message as read, optionally showing a typing indicator; same endpoint
/// as messages, answered with `{"success": true}`.
public struct CloudReadReceipt: Codable, Sendable, Hashable {
    public var messageID: String
    public var showsTypingIndicator: Bool

    public init(messageID: String, showsTypingIndicator: Bool) {
        self.messageID = messageID
        self.showsTypingIndicator = showsTypingIndicator
    }

    enum CodingKeys: String, CodingKey {
        case messagingProduct = "messaging_product"
        case status
        case messageID = "message_id"
        case typingIndicator = "typing_indicator"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("whatsapp", forKey: .messagingProduct)
        try container.encode("read", forKey: .status)
        try container.encode(messageID, forKey: .messageID)
        if showsTypingIndicator {
            try container.encode(["type": "text"], forKey: .typingIndicator)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        messageID = try container.decode(String.self, forKey: .messageID)
        showsTypingIndicator = container.contains(.typingIndicator)
    }
}

/// Meta's `{"success": true}` answer (read receipts, media deletion).
public struct CloudSuccess: Codable, Sendable, Hashable {
    public var success: Bool

    public init(success: Bool) {
        self.success = success
    }
}

/// Meta's answer to a media upload: the new media id.
public struct CloudMediaID: Codable, Sendable, Hashable {
    public var id: String

    public init(id: String) {
        self.id = id
    }
}
