/// `POST /sendMessage`: a text message.
public struct SendMessageRequest: OneMsgRequest, Hashable {
    /// The longest text WhatsApp accepts, in characters.
    public static let maxBodyLength = 4096

    public var recipient: Recipient
    public var body: String
    /// The wamid this message replies to.
    public var quotedMsgId: String?
    /// Whether WhatsApp should render a preview of the first link; `nil` lets the translation decide.
    public var previewURL: Bool?

    public init(recipient: Recipient, body: String, quotedMsgId: String? = nil, previewURL: Bool? = nil) {
        self.recipient = recipient
        self.body = body
        self.quotedMsgId = quotedMsgId
        self.previewURL = previewURL
    }

    public init(reading reader: inout FieldReader) {
        let recipient = reader.recipient()
        let body = reader.text("body", required: true, maxLength: Self.maxBodyLength)
        if let body, body.allSatisfy(\.isWhitespace) {
            reader.report("body", "must contain text, not only white space")
        }
        quotedMsgId = reader.quotedMessageID()
        previewURL = reader.bool("previewUrl")
        self.recipient = recipient ?? .individual("")
        self.body = body ?? ""
    }
}

extension FieldReader {
    /// `quotedMsgId`: the wamid of the message being replied to.
    public mutating func quotedMessageID() -> String? {
        guard let id = text("quotedMsgId", maxLength: 256) else { return nil }
        if id.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control }) {
            report("quotedMsgId", "must be a message id such as wamid.HBgL… (no spaces or control characters)")
            return nil
        }
        return id
    }
}
