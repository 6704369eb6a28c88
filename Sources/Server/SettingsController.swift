import Foundation
import Hummingbird
import OneMsg
import Store

/// `GET/POST /settings` and `GET/POST /webhook`: the channel's client-facing settings, kept in the store.
///
/// `webhookUrl` is answered as 1MSG 2.39's SDKs decode it: `null` without URLs, else a string (several URLs
/// comma-separated, the legacy form 1MSG clients read).
struct SettingsController: Sendable {
    let channels: ChannelDirectory
    /// Refuses non-public webhook addresses under `--deny-private-webhooks`.
    var webhookCheck = WebhookURLCheck.open

    func register(on group: RouterGroup<OneMsgRequestContext>) {
        group.oneMsg(.get, "settings") { _, context in try BridgeJSON.response(SettingsReply(context.channel.settings)) }
        group.oneMsg(.post, "settings") { _, context in try await updateSettings(context: context) }
        group.oneMsg(.get, "webhook") { _, context in
            try BridgeJSON.response(["webhookUrl": SettingsReply.webhookText(context.channel.settings.webhookURLs)])
        }
        group.oneMsg(.post, "webhook") { _, context in try await setWebhook(context: context) }
    }

    func updateSettings(context: OneMsgRequestContext) async throws -> Response {
        var channel = context.channel
        let request = try Self.decode(context.fields)
        let before = channel.settings
        try await webhookCheck.validate(request.webhookURLs ?? [])
        try await webhookCheck.validate(request.eventSinks ?? [], field: "eventSinks")
        if let urls = request.webhookURLs { channel.settings.webhookURLs = urls }
        if let sinks = request.eventSinks { channel.settings.eventSinks = sinks }
        if let batch = request.eventBatch { channel.settings.eventBatch = batch }
        if let on = request.ackNotificationsOn { channel.settings.ackNotificationsOn = on }
        if let viewed = request.ackReadAsViewed { channel.settings.readAckAsViewed = viewed }
        if let guaranteed = request.guaranteedHooks { channel.settings.guaranteedHooks = guaranteed }
        if let raw = request.rawHooks { channel.settings.rawHooks = raw }
        try await save(channel)
        var reply = SettingsReply(channel.settings)
        var update: [String: FieldValue] = [:]
        if before.webhookURLs != channel.settings.webhookURLs { update["webhookUrl"] = reply.webhookUrl.map(FieldValue.string) ?? .null }
        if before.eventSinks != channel.settings.eventSinks { update["eventSinks"] = .array(channel.settings.eventSinks.map(FieldValue.string)) }
        let flags: [(String, KeyPath<ChannelSettings, Bool>)] = [
            ("ackNotificationsOn", \.ackNotificationsOn), ("ackReadAsViewed", \.readAckAsViewed),
            ("guaranteedHooks", \.guaranteedHooks), ("rawHooks", \.rawHooks), ("eventBatch", \.eventBatch),
        ]
        for (name, flag) in flags where before[keyPath: flag] != channel.settings[keyPath: flag] {
            update[name] = .bool(channel.settings[keyPath: flag])
        }
        reply.update = update
        return try BridgeJSON.response(reply)
    }

    func setWebhook(context: OneMsgRequestContext) async throws -> Response {
        var channel = context.channel
        let request = try Self.decode(context.fields)
        guard let urls = request.webhookURLs else {
            throw BridgeError.invalid(ValidationError([FieldProblem(field: "webhookUrl", rule: "is required (\"\" clears the list)")]))
        }
        try await webhookCheck.validate(urls)
        let changed = urls != channel.settings.webhookURLs
        channel.settings.webhookURLs = urls
        if changed { try await save(channel) }
        return try BridgeJSON.response(SetWebhookReply(set: changed, message: urls.joined(separator: ",")))
    }

    private static func decode(_ fields: RequestFields) throws -> SettingsRequest {
        try BridgeError.validating { try SettingsRequest.decode(from: fields) }
    }

    private func save(_ channel: ChannelRecord) async throws {
        try await channels.updateSettings(of: channel.id, to: channel.settings)
    }
}

/// The body of `GET/POST /settings`.
struct SettingsReply: Encodable {
    var webhookUrl: String?
    var ackNotificationsOn: Bool
    var ackReadAsViewed: Bool
    var guaranteedHooks: Bool
    var rawHooks: Bool
    /// Beyond 1MSG (added after its fields, which keep their form): the event sinks, always an array.
    var eventSinks: [String]
    /// Beyond 1MSG: whether the sinks get CloudEvents batches.
    var eventBatch: Bool
    /// `POST` only: the fields this request changed, with their new values.
    var update: [String: FieldValue]?

    init(_ settings: ChannelSettings) {
        webhookUrl = Self.webhookText(settings.webhookURLs)
        ackNotificationsOn = settings.ackNotificationsOn
        ackReadAsViewed = settings.readAckAsViewed
        guaranteedHooks = settings.guaranteedHooks
        rawHooks = settings.rawHooks
        eventSinks = settings.eventSinks
        eventBatch = settings.eventBatch
    }

    static func webhookText(_ urls: [String]) -> String? {
        urls.isEmpty ? nil : urls.joined(separator: ",")
    }

    enum CodingKeys: String, CodingKey {
        case webhookUrl, ackNotificationsOn, ackReadAsViewed, guaranteedHooks, rawHooks, eventSinks, eventBatch, update
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(webhookUrl, forKey: .webhookUrl)  // null, not absent, when there is none
        try container.encode(ackNotificationsOn, forKey: .ackNotificationsOn)
        try container.encode(ackReadAsViewed, forKey: .ackReadAsViewed)
        try container.encode(guaranteedHooks, forKey: .guaranteedHooks)
        try container.encode(rawHooks, forKey: .rawHooks)
        try container.encode(eventSinks, forKey: .eventSinks)
        try container.encode(eventBatch, forKey: .eventBatch)
        try container.encodeIfPresent(update, forKey: .update)
    }
}

/// The body of `POST /webhook`: whether this request changed the list, and the list.
struct SetWebhookReply: Encodable {
    var set: Bool
    var message: String
}
