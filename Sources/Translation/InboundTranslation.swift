import Cloud
import Foundation
import OneMsg

/// A media object from an inbound message, for the caller to turn into a signed bridge URL.
public struct InboundMedia: Sendable, Hashable {
    /// Meta's media id.
    public var id: String
    public var mimeType: String
    /// Documents only.
    public var filename: String?

    public init(id: String, mimeType: String, filename: String? = nil) {
        self.id = id
        self.mimeType = mimeType
        self.filename = filename
    }
}

/// The 1MSG events one Cloud webhook change turns into.
public struct InboundEvents: Sendable, Hashable {
    /// New messages: kept in the history and pushed.
    public var messages: [MessageEvent]
    public var acks: [AckEvent]
    /// Older messages (field `history`): kept in the history, never pushed.
    public var history: [MessageEvent]

    public init(messages: [MessageEvent] = [], acks: [AckEvent] = [], history: [MessageEvent] = []) {
        self.messages = messages
        self.acks = acks
        self.history = history
    }
}

/// Cloud webhook values → 1MSG `messages` and `ack` events. Pure.
///
/// The mapping is DESIGN.md's table "Webhook events pushed to clients". Whatever Meta sends, every message
/// yields one event: types the bridge does not know keep their Cloud name, a readable `body`, and the
/// Cloud object in `meta`.
public enum InboundTranslation {
    /// The events for one change. `field` is the change's `field`: `messages` gives inbound messages and
    /// acks, `smb_message_echoes` gives the Business app's messages, `history` gives older messages for the history
    /// only; other fields give nothing here (groups and calls: ``PassthroughTranslation``).
    /// `mediaURL` turns a Meta media id into the URL clients download it from.
    public static func events(
        from value: CloudWebhookPayload.Value,
        field: String,
        mediaURL: (InboundMedia) -> String
    ) -> InboundEvents {
        let contacts = value.contacts ?? []
        switch field {
        case "messages":
            return InboundEvents(
                messages: (value.messages ?? []).map { inbound($0, contacts: contacts, mediaURL: mediaURL) },
                acks: (value.statuses ?? []).map(ack))
        case "smb_message_echoes":
            return InboundEvents(
                messages: (value.messageEchoes ?? []).map { echo($0, contacts: contacts, mediaURL: mediaURL) })
        case "history":
            return InboundEvents(history: history(from: value, mediaURL: mediaURL))
        default:
            return InboundEvents()
        }
    }

    /// The ack for one status. A recipient known only by business-scoped id gets `<BSUID>@lid` as `chatId` and
    /// the BSUID as `phone`, so neither is ever empty.
    public static func ack(_ status: CloudWebhookPayload.Status) -> AckEvent {
        let bsuid = nonEmpty(status.recipientUserID) ?? status.contacts?.lazy.compactMap { nonEmpty($0.userID) }.first
        let userName = status.contacts?.lazy.compactMap { nonEmpty($0.profile?.username) }.first
        let recipient = nonEmpty(status.recipientID) ?? bsuid ?? ""
        let chatId: String
        let phone: String
        var participant: String?
        if let group = nonEmpty(status.groupID) ?? (status.recipientType == "group" ? recipient : nil) {
            // A group send has a status per participant: the group is the chat, the participant who got it is named.
            chatId = "\(group)@g.us"
            // With `group_id`, `recipient_id` is the participant when Meta leaves `recipient_participant_id` out.
            let member = nonEmpty(status.recipientParticipantID) ?? (recipient != group ? nonEmpty(recipient) : nil)
            phone = member ?? recipient
            participant = member.map { member in
                member.allSatisfy(\.isNumber) ? "\(member)@c.us" : "\(member)@lid"
            }
        } else {
            (chatId, phone) = userAddress(id: status.recipientID, userID: bsuid)
        }
        let error = status.errors?.first
        // Meta prices (and opens conversations for) what Marketing Messages delivers as `marketing_lite`.
        let marketingLite = [status.pricing?.category, status.conversation?.origin?.type].contains("marketing_lite")
        return AckEvent(
            id: status.id,
            chatId: chatId,
            phone: phone,
            status: status.status.lowercased(),
            category: status.pricing?.category,
            error: error.flatMap { nonEmpty($0.title) ?? nonEmpty($0.message) },
            errorCode: error?.code,
            errorDetails: error.flatMap { nonEmpty($0.details) ?? nonEmpty($0.message) },
            bsuid: bsuid,
            userName: userName,
            mmLite: marketingLite ? true : nil,
            participant: participant)
    }

    // MARK: Messages

    static func inbound(
        _ message: CloudWebhookPayload.InboundMessage,
        contacts: [CloudWebhookPayload.Contact],
        mediaURL: (InboundMedia) -> String
    ) -> MessageEvent {
        let contact = self.contact(of: message.from, userID: message.fromUserID, in: contacts)
        let bsuid = nonEmpty(message.fromUserID) ?? nonEmpty(contact?.userID)
        let (address, number) = userAddress(id: message.from, userID: bsuid)
        let senderName = nonEmpty(contact?.profile?.name) ?? number
        var event = event(
            for: message, mediaURL: mediaURL, fromMe: false,
            author: address, chatId: message.groupID.map { "\($0)@g.us" } ?? address,
            senderName: senderName, chatName: message.groupID ?? senderName)
        event.authorBsuid = bsuid
        event.authorUserName = nonEmpty(contact?.profile?.username)
        return event
    }

    static func echo(
        _ message: CloudWebhookPayload.InboundMessage,
        contacts: [CloudWebhookPayload.Contact],
        mediaURL: (InboundMedia) -> String
    ) -> MessageEvent {
        let (business, businessNumber) = userAddress(id: message.from, userID: nil)
        let (customer, customerNumber) = userAddress(id: message.to, userID: message.toUserID)
        let customerName = nonEmpty(contact(of: message.to, userID: message.toUserID, in: contacts)?.profile?.name)
        return event(
            for: message, mediaURL: mediaURL, fromMe: true,
            author: business, chatId: customer,
            senderName: businessNumber, chatName: customerName ?? customerNumber)
    }

    /// `(<id>@c.us, id)`, or `(<bsuid>@lid, bsuid)` for users known only by business-scoped id.
    static func userAddress(id: String?, userID: String?) -> (address: String, number: String) {
        if let id = nonEmpty(id) { return ("\(id)@c.us", id) }
        if let userID = nonEmpty(userID) { return ("\(userID)@lid", userID) }
        return ("", "")
    }

    /// The contact entry of a user, matched by number or business-scoped id.
    static func contact(
        of id: String?, userID: String?, in contacts: [CloudWebhookPayload.Contact]
    ) -> CloudWebhookPayload.Contact? {
        contacts.first { contact in
            if let id, contact.waID == id { return true }
            if let userID, contact.userID == userID { return true }
            return false
        }
    }

    static func event(
        for message: CloudWebhookPayload.InboundMessage,
        mediaURL: (InboundMedia) -> String,
        fromMe: Bool,
        author: String,
        chatId: String,
        senderName: String,
        chatName: String
    ) -> MessageEvent {
        var content = self.content(of: message, mediaURL: mediaURL)
        if content.quotedMsgId == nil, message.type != "reaction" {
            content.quotedMsgId = nonEmpty(message.context?.id)
        }
        if let referral = message.referral {
            content.meta["referral"] = json(encoding: referral)
        }
        if let product = message.context?.referredProduct {
            content.meta["referred_product"] = json(encoding: product)
        }
        if let errors = message.errors, !errors.isEmpty {
            content.meta["errors"] = json(encoding: errors)
        }
        let context = message.context
        return MessageEvent(
            id: message.id,
            body: content.body,
            fromMe: fromMe,
            // Business-app echoes and user messages alike were not sent through the API.
            selfFlag: 0,
            isForwarded: context?.forwarded == true || context?.frequentlyForwarded == true,
            author: author,
            chatId: chatId,
            time: Int(message.timestamp) ?? 0,
            type: content.type,
            senderName: senderName,
            chatName: chatName,
            caption: content.caption,
            quotedMsgId: content.quotedMsgId,
            meta: content.meta.isEmpty ? nil : content.meta)
    }

    /// The type-dependent part of a message event.
    struct Content {
        var type: String
        var body: String
        var caption: String?
        var quotedMsgId: String?
        var meta: [String: FieldValue] = [:]
    }

    static func content(of message: CloudWebhookPayload.InboundMessage, mediaURL: (InboundMedia) -> String) -> Content {
        switch message.type {
        case "text":
            if let text = message.text {
                return Content(type: "chat", body: text.body)
            }
        case "image", "video", "document", "sticker", "audio":
            if let media = media(of: message) {
                let type = message.type
                let link = mediaURL(InboundMedia(id: media.id, mimeType: media.mimeType ?? "application/octet-stream", filename: media.filename))
                let caption = nonEmpty(media.caption) ?? (type == "document" ? nonEmpty(media.filename) : nil)
                // 1MSG pushes voice notes as `audio` (its traffic has no `voice` or `ptt`); the flag goes to meta.
                let meta: [String: FieldValue] = type == "audio" && media.voice == true ? ["voice": .bool(true)] : [:]
                return Content(type: type, body: link, caption: caption, meta: meta)
            }
        case "location":
            if let location = message.location {
                return Content(
                    type: "location",
                    body: "\(number(location.latitude));\(number(location.longitude))",
                    caption: nonEmpty(location.name),
                    meta: ["location": json(encoding: location)])
            }
        case "contacts":
            if let contacts = message.contacts {
                return Content(
                    type: "vcard",
                    body: contacts.map(vCard).joined(separator: "\n"),
                    meta: ["contacts": json(encoding: contacts)])
            }
        case "interactive":
            if let interactive = message.interactive, let content = content(of: interactive) {
                return content
            }
        case "button":
            if let button = message.button {
                return Content(
                    type: "button",
                    body: button.text ?? button.payload ?? "",
                    meta: button.payload.map { ["payload": .string($0)] } ?? [:])
            }
        case "reaction":
            if let reaction = message.reaction {
                // Removal arrives as an empty or missing emoji.
                return Content(type: "reaction", body: reaction.emoji ?? "", quotedMsgId: nonEmpty(reaction.messageID))
            }
        default:
            break
        }
        return passthrough(message)
    }

    static func media(of message: CloudWebhookPayload.InboundMessage) -> CloudWebhookPayload.InboundMessage.Media? {
        switch message.type {
        case "image": message.image
        case "video": message.video
        case "audio": message.audio
        case "document": message.document
        case "sticker": message.sticker
        default: nil
        }
    }

    static func content(of interactive: CloudWebhookPayload.InboundMessage.Interactive) -> Content? {
        switch interactive.type {
        case "button_reply", "list_reply":
            guard let reply = interactive.type == "button_reply" ? interactive.buttonReply : interactive.listReply else {
                return nil
            }
            var fields: [String: FieldValue] = ["type": .string(interactive.type), "id": .string(reply.id)]
            fields["title"] = reply.title.map(FieldValue.string)
            fields["description"] = reply.description.map(FieldValue.string)
            return Content(type: "interactive", body: reply.title ?? "", meta: ["reply": .object(fields)])
        case "nfm_reply":
            guard let reply = interactive.nfmReply else { return nil }
            var fields: [String: FieldValue] = [:]
            fields["name"] = reply.name.map(FieldValue.string)
            fields["response_json"] = reply.responseJSON.map(FieldValue.string)
            return Content(
                type: "interactive", body: nonEmpty(reply.body) ?? reply.responseJSON ?? "", meta: ["nfm": .object(fields)])
        case "call_permission_reply":
            // 1MSG pushes these as their own message type.
            guard let reply = interactive.callPermissionReply else { return nil }
            return Content(
                type: "call_permission_reply", body: reply["response"]?.text ?? "",
                meta: ["call_permission_reply": reply])
        default:
            return nil
        }
    }

    /// Types without a 1MSG counterpart (and known types whose object is missing or odd): the Cloud type
    /// name, a readable summary, and `meta.<type>` = the Cloud object (`true` when Meta sent none).
    static func passthrough(_ message: CloudWebhookPayload.InboundMessage) -> Content {
        let members: [String: FieldValue]
        if case .object(let object) = json(encoding: message) { members = object } else { members = [:] }
        var meta: [String: FieldValue] = [message.type: members[message.type] ?? .bool(true)]
        if let identity = members["identity"] { meta["identity"] = identity }
        return Content(type: message.type, body: summary(of: message), meta: meta)
    }

    static func summary(of message: CloudWebhookPayload.InboundMessage) -> String {
        let problem = message.errors?.first.flatMap { nonEmpty($0.details) ?? nonEmpty($0.title) ?? nonEmpty($0.message) }
        let suffix = problem.map { ": \($0)" } ?? ""
        switch message.type {
        case "order":
            guard let order = message.order else { return "Order" + suffix }
            let items = (order.productItems ?? []).map { item in
                var line = item.productRetailerID ?? "item"
                if let quantity = item.quantity { line = "\(quantity) × \(line)" }
                if let price = item.itemPrice {
                    line += " at \(number(price))" + (item.currency.map { " \($0)" } ?? "")
                }
                return line
            }
            var text = items.isEmpty ? "Order" : "Order: " + items.joined(separator: ", ")
            if let note = nonEmpty(order.text) { text += "\n" + note }
            return text
        case "system":
            if let body = nonEmpty(message.system?.body) { return body }
            return "System message" + (nonEmpty(message.system?.type).map { ": \($0)" } ?? "")
        case "request_welcome":
            return "The user opened the chat for the first time"
        case "media_placeholder":
            return "Media message (its content follows in a later history webhook)"
        case "unsupported":
            let kind = message.extra["unsupported"]?["type"]?.text.map { " (\($0))" } ?? ""
            return "Unsupported message\(kind)\(suffix)"
        case "interactive":
            let kind = nonEmpty(message.interactive?.type).map { " (\($0))" } ?? ""
            return "Interactive message\(kind)\(suffix)"
        default:
            return "Unsupported message type \(message.type)\(suffix)"
        }
    }

    // MARK: vCard

    /// A vCard 3.0 text for one shared contact (lines separated by `\n`).
    public static func vCard(_ contact: CloudWebhookPayload.InboundMessage.SharedContact) -> String {
        let name = contact.name
        let formatted =
            nonEmpty(name?.formattedName)
            ?? nonEmpty([name?.firstName, name?.middleName, name?.lastName].compactMap { nonEmpty($0) }.joined(separator: " "))
            ?? contact.phones?.lazy.compactMap({ nonEmpty($0.phone) }).first
            ?? ""
        let parts = [name?.lastName, name?.firstName, name?.middleName, name?.prefix, name?.suffix].map { escape($0 ?? "") }
        var lines = ["BEGIN:VCARD", "VERSION:3.0"]
        // N is required in vCard 3.0; without structured parts the display name stands in as the given name.
        lines.append("N:" + (parts.allSatisfy(\.isEmpty) ? ";\(escape(formatted));;;" : parts.joined(separator: ";")))
        lines.append("FN:" + escape(formatted))
        if let org = contact.org {
            let units = [org.company, org.department].compactMap { nonEmpty($0) }.map(escape)
            if !units.isEmpty { lines.append("ORG:" + units.joined(separator: ";")) }
            if let title = nonEmpty(org.title) { lines.append("TITLE:" + escape(title)) }
        }
        for phone in contact.phones ?? [] {
            guard let number = nonEmpty(phone.phone) ?? nonEmpty(phone.waID) else { continue }
            lines.append("TEL" + parameters(type: phone.type, waID: phone.waID) + ":" + number)
        }
        for email in contact.emails ?? [] {
            guard let address = nonEmpty(email.email) else { continue }
            lines.append("EMAIL" + parameters(type: email.type, waID: nil) + ":" + address)
        }
        for address in contact.addresses ?? [] {
            let fields = ["", "", address.street, address.city, address.state, address.zip, address.country]
                .map { escape($0 ?? "") }
            guard fields.contains(where: { !$0.isEmpty }) else { continue }
            lines.append("ADR" + parameters(type: address.type, waID: nil) + ":" + fields.joined(separator: ";"))
        }
        for link in contact.urls ?? [] {
            guard let url = nonEmpty(link.url) else { continue }
            lines.append("URL" + parameters(type: link.type, waID: nil) + ":" + url)
        }
        if let birthday = nonEmpty(contact.birthday) { lines.append("BDAY:" + birthday) }
        lines.append("END:VCARD")
        return lines.joined(separator: "\n")
    }

    static func parameters(type: String?, waID: String?) -> String {
        var text = ""
        if let type = nonEmpty(type) { text += ";type=" + type.uppercased() }
        if let waID = nonEmpty(waID) { text += ";waid=" + waID }
        return text
    }

    /// vCard 3.0 text escaping: backslash, comma, semicolon and line breaks.
    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "\\": escaped += "\\\\"
            case ",": escaped += "\\,"
            case ";": escaped += "\\;"
            case "\n", "\r\n", "\r": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    // MARK: Helpers

    static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }

    /// A coordinate or price as people write it: `37.4847`, `-122`, `12.5`.
    static func number(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    /// A Cloud object as JSON, exactly as the Cloud types encode it.
    static func json(encoding value: some Encodable) -> FieldValue {
        guard let data = try? JSONEncoder().encode(value),
            let decoded = try? JSONDecoder().decode(FieldValue.self, from: data)
        else { return .null }
        return decoded
    }
}

/// The order of ack statuses, so that an ack never goes backwards for a message.
public enum AckRank {
    /// sent 1 < delivered 2 < read 3 (`played`, the first play of a voice note, counts as read);
    /// `failed` is terminal (4); anything else is 0.
    public static func rank(_ status: String) -> Int {
        switch status.lowercased() {
        case "sent": 1
        case "delivered": 2
        case "read", "played", "viewed": 3
        case "failed": 4
        default: 0
        }
    }
}
