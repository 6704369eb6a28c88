import Cloud
import OneMsg

/// The 1MSG send operations, each a pure function from request fields to one Cloud message.
public enum SendOperation: String, Sendable, CaseIterable {
    case sendMessage

    /// A send ready to go upstream: the Cloud body plus what the reply and history need.
    public struct Translated: Sendable, Hashable {
        public var message: CloudMessage
        public var recipient: Recipient
        /// The 1MSG message type recorded in the history (`chat`, `image`, …).
        public var historyType: String
        /// The text recorded in the history.
        public var historyBody: String
        public var quotedMsgId: String?
    }

    /// Decodes and validates `fields` for this operation and translates them; throws every problem.
    public func translate(_ fields: RequestFields) throws(ValidationError) -> Translated {
        switch self {
        case .sendMessage:
            let request = try SendMessageRequest.decode(from: fields)
            return Translated(
                message: SendTranslation.cloudMessage(request), recipient: request.recipient,
                historyType: "chat", historyBody: request.body, quotedMsgId: request.quotedMsgId)
        }
    }
}
