/// Meta's message schema for `POST /{phone-number-id}/messages` bodies, as far as it can be checked before a send:
/// the envelope, every message type's required members and Meta's main limits (text 4096, caption 1024, three reply
/// buttons, ten list rows, …). Members it does not know pass: Meta adds fields faster than any copy of its schema.
///
/// Pure: a body in, every problem out, each naming the field (`text.body`, `interactive.action.buttons[3]`) and the
/// rule it breaks. No problems means the body may go to Meta as it is.
public enum CloudMessageSchema {
    /// One broken rule of a body.
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        /// Where in the body, as a path: `to`, `text.body`, `interactive.action.sections[0].rows[2].title`.
        public var field: String
        /// The rule, phrased to complete "`field` …".
        public var rule: String

        public init(field: String, rule: String) {
            self.field = field
            self.rule = rule
        }

        public var description: String { "\(field) \(rule)" }
    }

    /// The message types of the `type` member; `text` when it is absent.
    public static let messageTypes: [String] = [
        "audio", "contacts", "document", "image", "interactive", "location", "reaction", "sticker", "template", "text", "video",
    ]
    /// The media types: one object with `id` or `link`.
    public static let mediaTypes: Set<String> = ["audio", "document", "image", "sticker", "video"]

    /// Every problem of a `/messages` body: a message, or a read receipt (`"status": "read"`).
    public static func problems(in body: CloudJSON) -> [Problem] {
        var check = SchemaCheck()
        guard case .object = body else {
            check.report("body", "must be a JSON object")
            return check.problems
        }
        if body["messaging_product"] == nil {
            check.report("messaging_product", "is required and must be \"whatsapp\"")
        } else if body["messaging_product"] != .string("whatsapp") {
            check.report("messaging_product", "must be \"whatsapp\"")
        }
        if body["status"] != nil {
            readReceipt(body, check: &check)
            return check.problems
        }
        envelope(body, check: &check)
        let type = body["type"] ?? .string("text")
        guard case .string(let name) = type, messageTypes.contains(name) else {
            check.report("type", "must be one of \(messageTypes.joined(separator: ", ")) (got \(show(type)))")
            return check.problems
        }
        guard let content = body[name] else {
            check.report(name, "is required: type is \"\(name)\", so the message needs a \"\(name)\" member")
            return check.problems
        }
        switch name {
        case "text": text(content, check: &check)
        case "location": location(content, check: &check)
        case "contacts": contacts(content, check: &check)
        case "reaction":
            reaction(content, check: &check)
            if body["context"] != nil { check.report("context", "is not allowed on a reaction (Meta sends reactions as no reply)") }
        case "template": template(content, check: &check)
        case "interactive": interactive(content, check: &check)
        default: media(content, type: name, check: &check)
        }
        return check.problems
    }

    /// `{"messaging_product", "status": "read", "message_id", "typing_indicator"?}`.
    static func readReceipt(_ body: CloudJSON, check: inout SchemaCheck) {
        if body["status"] != .string("read") { check.report("status", "must be \"read\" (a read receipt; got \(show(body["status"])))") }
        check.text(body["message_id"], at: "message_id", required: true, maxLength: 256)
        if let typing = body["typing_indicator"], let object = check.object(typing, at: "typing_indicator") {
            if object["type"] != .string("text") { check.report("typing_indicator.type", "must be \"text\"") }
        }
    }

    /// The recipient, the reply context and the tracking data every message has.
    static func envelope(_ body: CloudJSON, check: inout SchemaCheck) {
        let recipientType = body["recipient_type"]
        if let recipientType, recipientType != .string("individual"), recipientType != .string("group") {
            check.report("recipient_type", "must be \"individual\" or \"group\" (got \(show(recipientType)))")
        }
        switch (body["to"], body["recipient"]) {
        case (nil, nil):
            check.report("to", "is required: the recipient's phone number or WhatsApp id (or `recipient`, a business-scoped user id)")
        case (.some, .some):
            check.report("to", "must not be sent together with recipient: name the user one way")
        case (let to?, nil):
            guard case .string(let text) = to, !text.isEmpty else {
                check.report("to", "must be a non-empty string (got \(show(to)))")
                break
            }
            if recipientType != .string("group"), !isPhoneNumber(text) {
                check.report("to", "must be a phone number in international format: 7 to 15 digits (+, spaces, dashes and brackets allowed)")
            }
        case (nil, let recipient?):
            guard case .string(let text) = recipient, isBusinessScopedID(text) else {
                check.report("recipient", "must be a business-scoped user id such as \"CO.1726691741709890\" (got \(show(recipient)))")
                break
            }
        }
        if let context = body["context"], let object = check.object(context, at: "context") {
            check.text(object["message_id"], at: "context.message_id", required: true, maxLength: 256)
        }
        check.text(body["biz_opaque_callback_data"], at: "biz_opaque_callback_data", maxLength: 512)
    }

    static func text(_ content: CloudJSON, check: inout SchemaCheck) {
        guard let object = check.object(content, at: "text") else { return }
        check.text(object["body"], at: "text.body", required: true, maxLength: 4096)
        check.bool(object["preview_url"], at: "text.preview_url")
    }

    static func media(_ content: CloudJSON, type: String, check: inout SchemaCheck) {
        guard let object = check.object(content, at: type) else { return }
        switch (object["id"], object["link"]) {
        case (nil, nil): check.report(type, "must have either id (an uploaded media id) or link (an http(s) URL)")
        case (.some, .some): check.report(type, "must have either id or link, not both")
        case (let id?, nil): check.text(id, at: "\(type).id", required: true, maxLength: 256)
        case (nil, let link?): check.url(link, at: "\(type).link")
        }
        check.text(object["caption"], at: "\(type).caption", maxLength: 1024)
        check.text(object["filename"], at: "\(type).filename", maxLength: 240)
        check.bool(object["voice"], at: "\(type).voice")
    }

    static func location(_ content: CloudJSON, check: inout SchemaCheck) {
        guard let object = check.object(content, at: "location") else { return }
        check.coordinate(object["latitude"], at: "location.latitude", limit: 90)
        check.coordinate(object["longitude"], at: "location.longitude", limit: 180)
        check.text(object["name"], at: "location.name", maxLength: 1000)
        check.text(object["address"], at: "location.address", maxLength: 1000)
    }

    static func contacts(_ content: CloudJSON, check: inout SchemaCheck) {
        guard let contacts = check.array(content, at: "contacts", count: 1...Int.max) else { return }
        for (index, contact) in contacts.enumerated() {
            let path = "contacts[\(index)]"
            guard let object = check.object(contact, at: path) else { continue }
            guard let name = object["name"] else {
                check.report("\(path).name", "is required: an object with formatted_name")
                continue
            }
            guard let members = check.object(name, at: "\(path).name") else { continue }
            check.text(members["formatted_name"], at: "\(path).name.formatted_name", required: true, maxLength: 1000)
        }
    }

    static func reaction(_ content: CloudJSON, check: inout SchemaCheck) {
        guard let object = check.object(content, at: "reaction") else { return }
        check.text(object["message_id"], at: "reaction.message_id", required: true, maxLength: 256)
        guard let emoji = object["emoji"] else {
            check.report("reaction.emoji", "is required: one emoji, or \"\" to remove the reaction")
            return
        }
        guard case .string(let text) = emoji, text.count <= 1 else {
            check.report("reaction.emoji", "must be one emoji, or \"\" to remove the reaction (got \(show(emoji)))")
            return
        }
    }

    static func template(_ content: CloudJSON, check: inout SchemaCheck) {
        guard let object = check.object(content, at: "template") else { return }
        check.text(object["name"], at: "template.name", required: true, maxLength: 512)
        if let language = object["language"] {
            if let members = check.object(language, at: "template.language") {
                check.text(members["code"], at: "template.language.code", required: true, maxLength: 16)
            }
        } else {
            check.report("template.language", "is required: an object with code (e.g. {\"code\": \"en_US\"})")
        }
        if let components = object["components"], let list = check.array(components, at: "template.components") {
            for (index, component) in list.enumerated() {
                guard let members = check.object(component, at: "template.components[\(index)]") else { continue }
                check.text(members["type"], at: "template.components[\(index)].type", required: true, maxLength: 32)
            }
        }
    }

    /// A phone number or wa_id as Meta takes it in `to`: 7 to 15 digits once `+`, spaces, dashes and brackets are gone.
    static func isPhoneNumber(_ text: String) -> Bool {
        let digits = text.filter { !"+ -().".contains($0) }
        return (7...15).contains(digits.count) && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// A business-scoped user id: two letters (the country), a dot, then digits; at most 64 characters.
    static func isBusinessScopedID(_ text: String) -> Bool {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        return text.count <= 64 && parts.count == 2 && parts[0].count == 2 && parts[0].allSatisfy { $0.isASCII && $0.isLetter }
            && !parts[1].isEmpty && parts[1].allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// A value as a problem shows it: short JSON-ish text.
    static func show(_ value: CloudJSON?) -> String {
        switch value {
        case nil: "nothing"
        case .null?: "null"
        case .bool(let flag)?: "\(flag)"
        case .number(let text)?: text
        case .string(let text)?: "\"\(text.count > 40 ? String(text.prefix(40)) + "…" : text)\""
        case .array?: "an array"
        case .object?: "an object"
        }
    }
}
