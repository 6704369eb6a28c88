import Cloud
import OneMsg

/// The 1MSG send operations, each a pure function from request fields to one Cloud message.
public enum SendOperation: String, Sendable, CaseIterable {
    case sendMessage
    case sendFile
    case sendSticker
    case sendLocation
    case sendContact
    case sendReaction
    case sendList
    case sendButton
    case sendLocationRequest
    case sendCtaUrl
    case sendFlow
    case sendCarousel
    case sendProduct
    case sendAddressMessage
    case sendTemplate
    case sendOrderDetails
    case sendPaymentRequest

    /// A send ready to go upstream: the Cloud body plus what the reply and history need.
    public struct Translated: Sendable, Hashable {
        public var message: CloudMessage
        public var recipient: Recipient
        /// The 1MSG message type recorded in the history (`chat`, `image`, …).
        public var historyType: String
        /// The text recorded in the history.
        public var historyBody: String
        /// The caption recorded in the history, for media.
        public var historyCaption: String?
        public var quotedMsgId: String?
        /// A file the bridge uploads to Meta first; its media id then replaces ``MediaUpload/placeholderID``.
        public var upload: MediaUpload?
        /// What was left out of the request and why; logged, never sent.
        public var notes: [String] = []
        /// A Marketing Messages send (`useMMlite`): it goes to `/{phone-number-id}/marketing_messages`, not
        /// `/messages`.
        public var isMarketingMessage = false

        public init(
            message: CloudMessage, recipient: Recipient, historyType: String, historyBody: String,
            historyCaption: String? = nil, quotedMsgId: String?, upload: MediaUpload? = nil, notes: [String] = [],
            isMarketingMessage: Bool = false
        ) {
            self.message = message
            self.recipient = recipient
            self.historyType = historyType
            self.historyBody = historyBody
            self.historyCaption = historyCaption
            self.quotedMsgId = quotedMsgId
            self.upload = upload
            self.notes = notes
            self.isMarketingMessage = isMarketingMessage
        }

        /// The same send with the uploaded file's media id in place of the placeholder.
        public func withUploadedMedia(id: String) -> Translated {
            var copy = self
            if case .media(let kind, var media) = message.content, media.id == MediaUpload.placeholderID {
                media.id = id
                copy.message.content = .media(kind, media)
                if copy.historyBody == MediaUpload.placeholderID { copy.historyBody = id }
            }
            copy.upload = nil
            return copy
        }
    }

    /// Decodes and validates `fields` for this operation and translates them; throws every problem.
    public func translate(_ fields: RequestFields) throws(ValidationError) -> Translated {
        switch self {
        case .sendMessage:
            let request = try SendMessageRequest.decode(from: fields)
            return Translated(
                message: SendTranslation.cloudMessage(request), recipient: request.recipient,
                historyType: "chat", historyBody: request.body, quotedMsgId: request.quotedMsgId)
        case .sendFile: return try MediaTranslation.file(fields)
        case .sendSticker: return try MediaTranslation.sticker(fields)
        case .sendLocation: return try SendTranslation.location(fields)
        case .sendContact: return try ContactTranslation.contacts(fields)
        case .sendReaction: return try SendTranslation.reaction(fields)
        case .sendList: return try InteractiveTranslation.list(fields)
        case .sendButton: return try InteractiveTranslation.buttons(fields)
        case .sendLocationRequest: return try InteractiveTranslation.locationRequest(fields)
        case .sendCtaUrl: return try InteractiveTranslation.ctaURL(fields)
        case .sendFlow: return try InteractiveTranslation.flow(fields)
        case .sendCarousel: return try InteractiveTranslation.carousel(fields)
        case .sendProduct: return try InteractiveTranslation.product(fields)
        case .sendAddressMessage: return try InteractiveTranslation.address(fields)
        case .sendTemplate: return try TemplateTranslation.template(fields)
        case .sendOrderDetails: return try OrderTranslation.orderDetailsTemplate(fields)
        case .sendPaymentRequest: return try OrderTranslation.paymentRequest(fields)
        }
    }
}

/// A file that must be uploaded to `/{phone-number-id}/media` before the message naming it is sent.
public struct MediaUpload: Sendable, Hashable {
    /// Stands in for the media id in the Cloud message until the upload answers.
    public static let placeholderID = "{uploaded-media-id}"

    public var file: UploadedFile
    public var mimeType: String
    public var kind: CloudMessage.MediaKind

    public init(file: UploadedFile, mimeType: String, kind: CloudMessage.MediaKind) {
        self.file = file
        self.mimeType = mimeType
        self.kind = kind
    }
}

/// The parts every send reads the same way.
struct SendBasics {
    var recipient: Recipient?
    var quotedMsgId: String?

    /// Reads `phone`/`chatId` and, where Meta allows a reply context, `quotedMsgId`.
    init(reading reader: inout FieldReader, quoting: Bool = true) {
        recipient = reader.recipient()
        quotedMsgId = quoting ? reader.quotedMessageID() : nil
    }

    /// The Cloud message for `content`, once the reader holds no problems.
    func message(_ content: CloudMessage.Content, reader: FieldReader) throws(ValidationError) -> CloudMessage {
        guard reader.problems.isEmpty, let recipient else {
            throw ValidationError(reader.problems.isEmpty ? [FieldProblem(field: "phone", rule: "is required")] : reader.problems)
        }
        return CloudMessage(
            addressee: SendTranslation.addressee(recipient), content: content,
            context: quotedMsgId.map { .init(messageID: $0) })
    }

    /// A ``SendOperation/Translated`` for `content` with its history entry.
    func translated(
        _ content: CloudMessage.Content, reader: FieldReader, historyType: String, historyBody: String,
        historyCaption: String? = nil, notes: [String] = []
    ) throws(ValidationError) -> SendOperation.Translated {
        let message = try message(content, reader: reader)
        return SendOperation.Translated(
            message: message, recipient: recipient ?? .individual(""), historyType: historyType,
            historyBody: historyBody, historyCaption: historyCaption, quotedMsgId: quotedMsgId, notes: notes)
    }
}

extension FieldReader {
    /// Throws every problem collected so far, if any.
    public func throwIfProblems() throws(ValidationError) {
        if !problems.isEmpty { throw ValidationError(problems) }
    }
}
