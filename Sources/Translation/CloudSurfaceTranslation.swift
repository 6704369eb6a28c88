import Cloud
import OneMsg

/// A message sent through the Cloud API surface, as the history and the 1MSG echo show it: the same chat id, type and
/// body as a 1MSG send of that message (text → `chat`, media → its kind with the link or id, template → its name,
/// contacts → `vcard`, …).
public enum CloudSurfaceTranslation {
    /// The send a body that ``CloudMessageSchema`` accepted stands for, for the history and the echo (the controller
    /// checked it before sending; it is not checked again here); `nil` for a read receipt. The body itself goes to
    /// Meta as it is, not this copy of it.
    public static func sent(_ body: CloudJSON) -> SendOperation.Translated? {
        guard body["status"] == nil else { return nil }
        let addressee: CloudMessage.Addressee
        let recipient: Recipient
        if case .string(let bsuid)? = body["recipient"] {
            addressee = .businessScopedUser(bsuid)
            recipient = .businessScopedUser(bsuid)
        } else if case .string(let to)? = body["to"] {
            if body["recipient_type"] == .string("group") {
                addressee = .group(to)
                recipient = .group(to)
            } else {
                let digits = Recipient.phoneDigits(to) ?? to
                addressee = .individual(to)
                recipient = .individual(digits)
            }
        } else {
            return nil
        }
        guard case .string(let type) = body["type"] ?? .string("text"), let content = body[type] else { return nil }
        let quoted = body["context"]?["message_id"]?.text
        var view = History(type: type, body: "", caption: nil, quoted: quoted)
        let message: CloudMessage.Content
        switch type {
        case "text":
            let text = content["body"]?.text ?? ""
            view = History(type: "chat", body: text, caption: nil, quoted: quoted)
            message = .text(.init(body: text, previewURL: content["preview_url"].flatMap(flag)))
        case "location":
            let latitude = content["latitude"]?.text ?? ""
            let longitude = content["longitude"]?.text ?? ""
            view = History(type: "location", body: "\(latitude);\(longitude)", caption: content["name"]?.text, quoted: quoted)
            message = .location(
                .init(
                    latitude: Double(latitude) ?? 0, longitude: Double(longitude) ?? 0, name: content["name"]?.text,
                    address: content["address"]?.text))
        case "contacts":
            let contacts = if case .array(let items) = content { items } else { [CloudJSON]() }
            view = History(type: "vcard", body: contacts.compactMap(ContactTranslation.vCard).joined(separator: "\n"), caption: nil, quoted: quoted)
            message = .contacts(contacts)
        case "reaction":
            let target = content["message_id"]?.text ?? ""
            view = History(type: "reaction", body: content["emoji"]?.text ?? "", caption: nil, quoted: target)
            message = .reaction(.init(messageID: target, emoji: content["emoji"]?.text ?? ""))
        case "template":
            view = History(type: "template", body: content["name"]?.text ?? "", caption: nil, quoted: quoted)
            message = .template(content)
        case "interactive":
            view = History(type: "interactive", body: content["body"]?["text"]?.text ?? "", caption: nil, quoted: quoted)
            message = .interactive(content)
        default:
            guard let kind = CloudMessage.MediaKind(rawValue: type) else { return nil }
            let media = CloudMessage.Media(
                id: content["id"]?.text, link: content["link"]?.text, caption: content["caption"]?.text,
                filename: content["filename"]?.text, voice: content["voice"].flatMap(flag))
            view = History(
                type: kind.rawValue, body: media.link ?? media.id ?? "",
                caption: media.caption ?? (kind == .document ? media.filename : nil), quoted: quoted)
            message = .media(kind, media)
        }
        return SendOperation.Translated(
            message: CloudMessage(addressee: addressee, content: message, context: quoted.map { .init(messageID: $0) }),
            recipient: recipient, historyType: view.type, historyBody: view.body, historyCaption: view.caption,
            quotedMsgId: view.quoted)
    }

    /// What the history keeps of a message.
    private struct History {
        var type: String
        var body: String
        var caption: String?
        var quoted: String?
    }

    private static func flag(_ value: CloudJSON) -> Bool? {
        if case .bool(let flag) = value { flag } else { nil }
    }
}
