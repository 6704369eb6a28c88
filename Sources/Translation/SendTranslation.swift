import Foundation
import Cloud
import OneMsg

/// 1MSG send requests → Cloud API message bodies. Pure.
public enum SendTranslation {
    /// The Cloud addressee for a 1MSG recipient.
    public static func addressee(_ recipient: Recipient) -> CloudMessage.Addressee {
        switch recipient {
        case .individual(let digits): .individual(digits)
        case .group(let id): .group(id)
        case .businessScopedUser(let id): .businessScopedUser(id)
        }
    }

    /// `sendMessage` → a `text` message.
    ///
    /// `preview_url` follows the client's `previewUrl` when given; otherwise it is `true` exactly when the
    /// body contains an http(s) link, so links render as they do when typed in the WhatsApp app.
    public static func cloudMessage(_ request: SendMessageRequest) -> CloudMessage {
        let preview = request.previewURL ?? containsLink(request.body)
        return CloudMessage(
            addressee: addressee(request.recipient),
            content: .text(.init(body: request.body, previewURL: preview)),
            context: request.quotedMsgId.map { .init(messageID: $0) }
        )
    }

    static func containsLink(_ text: String) -> Bool {
        text.range(of: "https://", options: .caseInsensitive) != nil
            || text.range(of: "http://", options: .caseInsensitive) != nil
    }
}

