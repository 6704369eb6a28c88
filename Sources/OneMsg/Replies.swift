/// The reply to every 1MSG send operation (`SendMessageStatus` in 1MSG's spec).
///
/// Upstream refusals are HTTP 200 with `sent: false`; legacy clients test `sent === true`.
public struct SendReply: Codable, Sendable, Hashable {
    public var sent: Bool
    /// The wamid; absent when nothing was sent.
    public var id: String?
    public var message: String
    public var description: String
    /// Meta's numeric error code when Meta refused the send (clients classify failures by it); absent
    /// otherwise, never `null`: a send that did not reach Meta has no Meta code.
    public var code: Int?

    public init(sent: Bool, id: String?, message: String, description: String, code: Int? = nil) {
        self.sent = sent
        self.id = id
        self.message = message
        self.description = description
        self.code = code
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

/// `POST /uploadMedia` → `{"mediaId": "<string>"}`.
public struct UploadMediaReply: Codable, Sendable, Hashable {
    public var mediaId: String

    public init(mediaId: String) {
        self.mediaId = mediaId
    }
}

/// `GET /retrieveMedia` → where to download an uploaded file, and what it is.
public struct RetrieveMediaReply: Codable, Sendable, Hashable {
    public var url: String
    public var mimeType: String?
    public var sha256: String?
    public var fileSize: Int?
    public var id: String

    public init(url: String, mimeType: String?, sha256: String?, fileSize: Int?, id: String) {
        self.url = url
        self.mimeType = mimeType
        self.sha256 = sha256
        self.fileSize = fileSize
        self.id = id
    }
}

/// `{"result": "success"}`: readMessage, media deletion.
public struct ResultReply: Codable, Sendable, Hashable {
    public var result: String

    public init(result: String) {
        self.result = result
    }

    public static let success = ResultReply(result: "success")
}
