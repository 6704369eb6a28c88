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
        let request = try Self.decode(context.fields)
        try await webhookCheck.validate(request.webhookURLs ?? [])
        try await webhookCheck.validate(request.eventSinks ?? [], field: "eventSinks")
        let (before, after) = try await save(context.channel) { settings in
            if let urls = request.webhookURLs { settings.webhookURLs = urls }
            if let sinks = request.eventSinks { settings.eventSinks = sinks }
            if let batch = request.eventBatch { settings.eventBatch = batch }
            if let on = request.ackNotificationsOn { settings.ackNotificationsOn = on }
            if let viewed = request.ackReadAsViewed { settings.readAckAsViewed = viewed }
            if let guaranteed = request.guaranteedHooks { settings.guaranteedHooks = guaranteed }
            if let raw = request.rawHooks { settings.rawHooks = raw }
        }
        var reply = SettingsReply(after)
        var update: [String: FieldValue] = [:]
        if before.webhookURLs != after.webhookURLs { update["webhookUrl"] = reply.webhookUrl.map(FieldValue.string) ?? .null }
        if before.eventSinks != after.eventSinks { update["eventSinks"] = .array(after.eventSinks.map(FieldValue.string)) }
        let flags: [(String, KeyPath<ChannelSettings, Bool>)] = [
            ("ackNotificationsOn", \.ackNotificationsOn), ("ackReadAsViewed", \.readAckAsViewed),
            ("guaranteedHooks", \.guaranteedHooks), ("rawHooks", \.rawHooks), ("eventBatch", \.eventBatch),
        ]
        for (name, flag) in flags where before[keyPath: flag] != after[keyPath: flag] {
            update[name] = .bool(after[keyPath: flag])
        }
        reply.update = update
        return try BridgeJSON.response(reply)
    }

    func setWebhook(context: OneMsgRequestContext) async throws -> Response {
        let request = try Self.decode(context.fields)
        guard let urls = request.webhookURLs else {
            throw BridgeError.invalid(ValidationError([FieldProblem(field: "webhookUrl", rule: "is required (\"\" clears the list)")]))
        }
        try await webhookCheck.validate(urls)
        let (before, _) = try await save(context.channel) { $0.webhookURLs = urls }
        let changed = urls != before.webhookURLs
        return try BridgeJSON.response(SetWebhookReply(set: changed, message: urls.joined(separator: ",")))
    }

    private static func decode(_ fields: RequestFields) throws -> SettingsRequest {
        try BridgeError.validating { try SettingsRequest.decode(from: fields) }
    }

    /// Changes the channel's stored settings; the channel was removed since the request was authenticated: 401, as
    /// its token is no longer any channel's.
    private func save(
        _ channel: ChannelRecord, _ change: (inout ChannelSettings) -> Void
    ) async throws -> (before: ChannelSettings, after: ChannelSettings) {
        guard let changed = try await channels.updateSettings(of: channel.id, change) else {
            throw BridgeError.wrongToken(token: nil, channelID: channel.id)
        }
        return changed
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
