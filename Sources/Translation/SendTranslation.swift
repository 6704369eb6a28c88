import Cloud
import Foundation
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

extension SendTranslation {
    /// `sendLocation` → a `location` message; `lat`/`lng` arrive as text or numbers and go out as numbers.
    static func location(_ fields: RequestFields) throws(ValidationError) -> SendOperation.Translated {
        var reader = FieldReader(fields)
        let basics = SendBasics(reading: &reader)
        let latitude = reader.number(fields["lat"], at: "lat", required: true, in: -90...90)
        let longitude = reader.number(fields["lng"], at: "lng", required: true, in: -180...180)
        let name = reader.text("name", maxLength: 1000)
        let address = reader.text("address", maxLength: 1000)
        try reader.throwIfProblems()
        let location = CloudMessage.Location(
            latitude: latitude ?? 0, longitude: longitude ?? 0, name: name, address: address)
        return try basics.translated(
            .location(location), reader: reader, historyType: "location",
            historyBody: "\(fields["lat"]?.scalarText ?? "");\(fields["lng"]?.scalarText ?? "")", historyCaption: name)
    }

    /// `sendReaction` → a `reaction` on `quotedMsgId`; `body` is one emoji, or `""` to remove the reaction.
    /// Meta allows no reply context on reactions.
    static func reaction(_ fields: RequestFields) throws(ValidationError) -> SendOperation.Translated {
        var reader = FieldReader(fields)
        let basics = SendBasics(reading: &reader, quoting: false)
        let target = reader.quotedMessageID()
        if target == nil, fields["quotedMsgId"] == nil {
            reader.report("quotedMsgId", "is required: the id of the message to react to")
        }
        var emoji = ""
        if let body = reader.text("body") {
            if body.count == 1, let character = body.first, isEmoji(character) {
                emoji = body
            } else {
                reader.report("body", "must be exactly one emoji, or \"\" to remove the reaction (got \"\(body)\")")
            }
        } else if !fields.clearedFields.contains("body") {
            reader.report("body", "is required: one emoji, or \"\" to remove the reaction")
        }
        return try basics.translated(
            .reaction(.init(messageID: target ?? "", emoji: emoji)), reader: reader, historyType: "reaction",
            historyBody: emoji)
    }

    static func isEmoji(_ character: Character) -> Bool {
        // Digits, `#` and `*` carry the emoji property too (keycap bases); only non-ASCII emoji count alone.
        character.unicodeScalars.contains { $0.properties.isEmoji && $0.value > 0x7F }
    }
}
