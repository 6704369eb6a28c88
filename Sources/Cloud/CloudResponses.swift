/// Meta's answer to an accepted `POST /messages`.
public struct CloudSendResponse: Codable, Sendable, Hashable {
    public struct Contact: Codable, Sendable, Hashable {
        public var input: String?
        public var waID: String?

        public init(input: String?, waID: String?) {
            self.input = input
            self.waID = waID
        }

        enum CodingKeys: String, CodingKey {
            case input
            case waID = "wa_id"
        }
    }

    public struct Message: Codable, Sendable, Hashable {
        public var id: String
        public var messageStatus: String?

        public init(id: String, messageStatus: String? = nil) {
            self.id = id
            self.messageStatus = messageStatus
        }

        enum CodingKeys: String, CodingKey {
            case id
            case messageStatus = "message_status"
        }
    }

    public var messagingProduct: String?
    public var contacts: [Contact]?
    public var messages: [Message]

    public init(contacts: [Contact], messages: [Message]) {
        self.messagingProduct = "whatsapp"
        self.contacts = contacts
        self.messages = messages
    }

    enum CodingKeys: String, CodingKey {
        case messagingProduct = "messaging_product"
        case contacts, messages
    }
}

/// Meta's synchronous error envelope: `{"error": {...}}`.
public struct CloudErrorEnvelope: Codable, Sendable, Hashable {
    public var error: CloudError

    public init(error: CloudError) {
        self.error = error
    }
}

/// One Graph API error. Key off `code`; `details` is the human explanation.
public struct CloudError: Codable, Sendable, Hashable {
    public struct ErrorData: Codable, Sendable, Hashable {
        public var messagingProduct: String?
        public var details: String?

        public init(details: String?) {
            self.messagingProduct = "whatsapp"
            self.details = details
        }

        enum CodingKeys: String, CodingKey {
            case messagingProduct = "messaging_product"
            case details
        }
    }

    public var message: String?
    public var type: String?
    public var code: Int
    public var errorSubcode: Int?
    public var errorData: ErrorData?
    public var errorUserTitle: String?
    public var errorUserMessage: String?
    public var isTransient: Bool?
    public var fbtraceID: String?

    public init(
        code: Int,
        message: String?,
        type: String? = "OAuthException",
        details: String? = nil,
        isTransient: Bool? = nil,
        fbtraceID: String? = nil
    ) {
        self.code = code
        self.message = message
        self.type = type
        self.errorData = details.map { ErrorData(details: $0) }
        self.isTransient = isTransient
        self.fbtraceID = fbtraceID
    }

    /// Meta's explanation for a person, when it gave one.
    public var details: String? { errorData?.details }

    enum CodingKeys: String, CodingKey {
        case message, type, code
        case errorSubcode = "error_subcode"
        case errorData = "error_data"
        case errorUserTitle = "error_user_title"
        case errorUserMessage = "error_user_msg"
        case isTransient = "is_transient"
        case fbtraceID = "fbtrace_id"
    }
}
