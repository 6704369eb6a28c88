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

    public init(addressee: Addressee, content: Content, context: Context? = nil) {
        self.addressee = addressee
        self.content = content
        self.context = context
    }

    /// The Cloud `type` of this message.
    public var type: String {
        switch content {
        case .text: "text"
        }
    }

    enum CodingKeys: String, CodingKey {
        case messagingProduct = "messaging_product"
        case recipientType = "recipient_type"
        case to, recipient, type, context, text
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("whatsapp", forKey: .messagingProduct)
        switch addressee {
        case .individual(let id):
            try container.encode("individual", forKey: .recipientType)
            try container.encode(id, forKey: .to)
        case .group(let id):
            try container.encode("group", forKey: .recipientType)
            try container.encode(id, forKey: .to)
        case .businessScopedUser(let id):
            try container.encode("individual", forKey: .recipientType)
            try container.encode(id, forKey: .recipient)
        }
        try container.encode(type, forKey: .type)
        try container.encodeIfPresent(context, forKey: .context)
        switch content {
        case .text(let text): try container.encode(text, forKey: .text)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let recipient = try container.decodeIfPresent(String.self, forKey: .recipient) {
            addressee = .businessScopedUser(recipient)
        } else {
            let to = try container.decode(String.self, forKey: .to)
            let recipientType = try container.decodeIfPresent(String.self, forKey: .recipientType)
            addressee = recipientType == "group" ? .group(to) : .individual(to)
        }
        context = try container.decodeIfPresent(Context.self, forKey: .context)
        let type = try container.decodeIfPresent(String.self, forKey: .type) ?? "text"
        switch type {
        case "text":
            content = .text(try container.decode(Text.self, forKey: .text))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container, debugDescription: "unsupported message type \(type)")
        }
    }
}
