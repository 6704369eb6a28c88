import Cloud
import Foundation
import OneMsg

/// `sendContact` → a `contacts` message, from the `contacts` array or the simple `contact` object.
enum ContactTranslation {
    static let nameParts = ["first_name", "last_name", "middle_name", "suffix", "prefix"]

    static func contacts(_ fields: RequestFields) throws(ValidationError) -> SendOperation.Translated {
        var reader = FieldReader(fields)
        let basics = SendBasics(reading: &reader)
        var contacts: [CloudJSON] = []
        if let list = reader.array(reader.structure("contacts"), at: "contacts", minCount: 1, maxCount: 5) {
            for (index, element) in list.enumerated() {
                if let contact = contact(element, at: "contacts[\(index)]", reader: &reader) { contacts.append(contact) }
            }
        } else if fields["contacts"] == nil {
            if let simple = reader.object(reader.structure("contact"), at: "contact") {
                if let contact = simpleContact(simple, reader: &reader) { contacts.append(contact) }
            } else if fields["contact"] == nil {
                reader.report("contacts", "is required: an array of contact objects (or send one `contact` object)")
            }
        }
        try reader.throwIfProblems()
        return try basics.translated(
            .contacts(contacts), reader: reader, historyType: "vcard",
            historyBody: contacts.compactMap(vCard).joined(separator: "\n"))
    }

    /// One Cloud contact object; the name gets the `formatted_name` and a name part Meta requires.
    static func contact(_ value: FieldValue, at path: String, reader: inout FieldReader) -> CloudJSON? {
        guard let object = reader.object(value, at: path, required: true) else { return nil }
        guard let name = name(object["name"], at: "\(path).name", reader: &reader) else { return nil }
        var contact: [String: CloudJSON] = ["name": name]
        if let phones = reader.array(object["phones"], at: "\(path).phones") {
            contact["phones"] = .array(
                phones.enumerated().compactMap { index, phone in
                    item(phone, key: "phone", at: "\(path).phones[\(index)]", reader: &reader)
                })
        }
        if let emails = reader.array(object["emails"], at: "\(path).emails") {
            contact["emails"] = .array(
                emails.enumerated().compactMap { index, email in
                    item(email, key: "email", at: "\(path).emails[\(index)]", reader: &reader)
                })
        }
        if let urls = reader.array(object["urls"], at: "\(path).urls") {
            contact["urls"] = .array(
                urls.enumerated().compactMap { index, url in
                    item(url, key: "url", at: "\(path).urls[\(index)]", reader: &reader)
                })
        }
        if let addresses = reader.array(object["addresses"], at: "\(path).addresses") {
            contact["addresses"] = .array(addresses)
        }
        if let org = object["org"] {
            if case .object = org {
                contact["org"] = org
            } else if let company = reader.text(org, at: "\(path).org") {
                contact["org"] = ["company": .string(company)]
            }
        }
        if let birthday = reader.text(object["birthday"], at: "\(path).birthday") {
            if birthday.wholeMatch(of: /[0-9]{4}-[0-9]{2}-[0-9]{2}/) == nil {
                reader.report("\(path).birthday", "must be a date as YYYY-MM-DD (got \"\(birthday)\")")
            }
            contact["birthday"] = .string(birthday)
        }
        return .object(contact)
    }

    /// The `name` object: a string counts as the formatted name; a missing formatted name is built from
    /// its parts, and a missing part from the formatted name.
    static func name(_ value: FieldValue?, at path: String, reader: inout FieldReader) -> CloudJSON? {
        var parts: [String: String] = [:]
        var formatted: String?
        if case .object(let object) = value {
            formatted = reader.text(object["formatted_name"], at: "\(path).formatted_name", maxLength: 256)
            for part in nameParts {
                if let text = reader.text(object[part], at: "\(path).\(part)") { parts[part] = text }
            }
        } else {
            formatted = reader.text(value, at: path, required: true, maxLength: 256)
        }
        if formatted == nil, !parts.isEmpty {
            formatted = ["prefix", "first_name", "middle_name", "last_name", "suffix"].compactMap { parts[$0] }
                .joined(separator: " ")
        }
        guard let formatted, !formatted.allSatisfy(\.isWhitespace) else {
            if value != nil, case .object = value { reader.report("\(path).formatted_name", "is required") }
            return nil
        }
        if parts.isEmpty {
            let words = formatted.split(separator: " ", maxSplits: 1).map(String.init)
            parts["first_name"] = words[0]
            if words.count > 1 { parts["last_name"] = words[1] }
        }
        var name: [String: CloudJSON] = ["formatted_name": .string(formatted)]
        for (key, text) in parts { name[key] = .string(text) }
        return .object(name)
    }

    /// A phone, email or URL entry: an object with `key`, or the bare value.
    static func item(_ value: FieldValue, key: String, at path: String, reader: inout FieldReader) -> CloudJSON? {
        if case .object(let object) = value {
            guard let text = phoneOrText(object[key], key: key, at: "\(path).\(key)", reader: &reader) else { return nil }
            var item = object
            item[key] = .string(text)
            if let type = object["type"]?.scalarText { item["type"] = .string(type.uppercased()) }
            return .object(item)
        }
        guard let text = phoneOrText(value, key: key, at: path, reader: &reader) else { return nil }
        return [key: .string(text)]
    }

    /// A required item value; phone numbers may come as JSON numbers.
    private static func phoneOrText(_ value: FieldValue?, key: String, at path: String, reader: inout FieldReader) -> String? {
        key == "phone" ? reader.phoneText(value, at: path, required: true) : reader.text(value, at: path, required: true)
    }

    /// The simple form `{name, phone, email?, org?, url?}`.
    static func simpleContact(_ object: [String: FieldValue], reader: inout FieldReader) -> CloudJSON? {
        let name = name(object["name"], at: "contact.name", reader: &reader)
        let phone = reader.phoneText(object["phone"], at: "contact.phone", required: true)
        guard let name, let phone else { return nil }
        var contact: [String: CloudJSON] = [
            "name": name, "phones": [["phone": .string(phone), "type": "CELL"]],
        ]
        if let email = reader.text(object["email"], at: "contact.email") {
            contact["emails"] = [["email": .string(email), "type": "WORK"]]
        }
        if let url = reader.text(object["url"], at: "contact.url") {
            contact["urls"] = [["url": .string(url), "type": "WORK"]]
        }
        if let org = object["org"] {
            if case .object = org {
                contact["org"] = org
            } else if let company = reader.text(org, at: "contact.org") {
                contact["org"] = ["company": .string(company)]
            }
        }
        return .object(contact)
    }

    /// The vCard the history and the echo show for a sent contact, as for a received one.
    static func vCard(_ contact: CloudJSON) -> String? {
        guard let data = try? JSONEncoder().encode(contact),
            let shared = try? JSONDecoder().decode(CloudWebhookPayload.InboundMessage.SharedContact.self, from: data)
        else { return nil }
        return InboundTranslation.vCard(shared)
    }
}
