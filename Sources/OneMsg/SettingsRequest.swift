import Foundation

/// `POST /settings` and `POST /webhook`: the settings a 1MSG client may change. Absent fields stay as they are.
public struct SettingsRequest: OneMsgRequest, Hashable {
    /// The most webhook URLs a channel may have.
    public static let maxWebhookURLs = 5

    /// The new list of webhook URLs (empty clears), or `nil` to keep the current one.
    public var webhookURLs: [String]?
    public var ackNotificationsOn: Bool?
    /// Push `viewed` instead of `read` (1MSG 2.39 wording).
    public var ackReadAsViewed: Bool?
    /// Retry failed deliveries (`true`) or give each event one attempt (`false`).
    public var guaranteedHooks: Bool?
    /// Also push Meta's raw webhook payloads.
    public var rawHooks: Bool?
    /// The new list of event sinks (`eventSinks`; empty clears), or `nil` to keep the current one.
    public var eventSinks: [String]?
    /// Send each delivery's events per chat as one CloudEvents batch (`true`) or one document each (`false`).
    public var eventBatch: Bool?

    public init(
        webhookURLs: [String]? = nil, ackNotificationsOn: Bool? = nil, ackReadAsViewed: Bool? = nil,
        guaranteedHooks: Bool? = nil, rawHooks: Bool? = nil, eventSinks: [String]? = nil,
        eventBatch: Bool? = nil
    ) {
        self.webhookURLs = webhookURLs
        self.ackNotificationsOn = ackNotificationsOn
        self.ackReadAsViewed = ackReadAsViewed
        self.guaranteedHooks = guaranteedHooks
        self.rawHooks = rawHooks
        self.eventSinks = eventSinks
        self.eventBatch = eventBatch
    }

    public init(reading reader: inout FieldReader) {
        webhookURLs = reader.webhookURLs()
        ackNotificationsOn = reader.bool("ackNotificationsOn")
        ackReadAsViewed = reader.bool("ackReadAsViewed")
        guaranteedHooks = reader.bool("guaranteedHooks")
        rawHooks = reader.bool("rawHooks")
        eventSinks = reader.urlList("eventSinks")
        eventBatch = reader.bool("eventBatch")
    }
}

extension FieldReader {
    /// `webhookUrl` as a string, a comma-separated string or an array of at most 5 http(s) URLs;
    /// `""` or `null` clears the list. `nil` when the field is absent.
    public mutating func webhookURLs() -> [String]? {
        urlList("webhookUrl")
    }

    /// A list of URLs under the rules of `webhookUrl` (`eventSinks` follows them too).
    public mutating func urlList(_ field: String) -> [String]? {
        let raw = fields.values[field]
        let texts: [String]
        switch raw {
        case nil:
            // Empty strings are dropped as "not set" by the decoder, but here "" means "clear".
            return fields.clearedFields.contains(field) ? [] : nil
        case .null?:
            return []
        case .array(let values)?:
            if values.count > SettingsRequest.maxWebhookURLs {
                report(field, "must name at most \(SettingsRequest.maxWebhookURLs) URLs (got \(values.count) items)")
                return nil
            }
            texts = values.compactMap(\.scalarText)
            if texts.count != values.count {
                report(field, "must be a string or an array of strings")
                return nil
            }
        case let value?:
            guard let text = value.scalarText else {
                report(field, "must be a string or an array of strings")
                return nil
            }
            texts = text.split(separator: ",").map(String.init)
        }
        let urls = texts.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if urls.count > SettingsRequest.maxWebhookURLs {
            report(field, "must name at most \(SettingsRequest.maxWebhookURLs) URLs (got \(urls.count))")
            return nil
        }
        for url in urls {
            let lowered = url.lowercased()
            guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://"), url.count <= 2048,
                !url.contains(where: \.isWhitespace), url.split(separator: "/").count >= 2
            else {
                report(field, "must be an http(s) URL (got \"\(url)\")")
                return nil
            }
        }
        return urls
    }
}
