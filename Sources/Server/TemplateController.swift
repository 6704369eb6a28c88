import Cloud
import Foundation
import Hummingbird
import Logging
import OneMsg
import Store
import Translation

/// `GET /templates`, `POST /addTemplate` and `POST /removeTemplate` on the channel's business account.
struct TemplateController: Sendable {
    let graph: any GraphAPI
    let uploader: HandleUploader
    let metrics: BridgeMetrics
    let catalog: TemplateCatalog
    let store: any BridgeStore

    /// The template fields `GET /templates` reads from Meta.
    static let fields = "id,name,language,status,category,components,rejected_reason"

    func register(on group: RouterGroup<OneMsgRequestContext>) {
        group.oneMsg(.get, "templates") { _, context in try await templates(context: context) }
        group.oneMsg(.post, "addTemplate") { _, context in try await addTemplate(context: context) }
        group.oneMsg(.post, "removeTemplate") { _, context in try await removeTemplate(context: context) }
    }

    func templates(context: OneMsgRequestContext) async throws -> TemplatesReply {
        let channel = context.channel
        let items = try await catalog.items(for: channel) { try await fetch(channel) }
        return try BridgeError.validating { try TemplateCatalogTranslation.page(items, fields: context.fields) }
    }

    /// Every page of Meta's list and the account's namespace, read side by side.
    func fetch(_ channel: ChannelRecord) async throws -> [TemplateItem] {
        async let templates = graph.messageTemplates(fields: Self.fields, channel: channel)
        async let account = graph.businessAccount(channel: channel)
        let list = try metrics.upstreamResult("listTemplates", changes: false, await templates)
        let namespace = try metrics.upstreamResult("templateNamespace", changes: false, await account).messageTemplateNamespace ?? ""
        return TemplateCatalogTranslation.items(list, namespace: namespace)
    }

    func addTemplate(context: OneMsgRequestContext) async throws -> AddTemplateReply {
        let channel = context.channel
        let creation = try BridgeError.validating { try TemplateCatalogTranslation.creation(context.fields) }
        let template = creation.withHandles(try await uploader.handles(for: creation.uploads, channel: channel))
        let created = try metrics.upstreamResult("addTemplate", changes: true, await graph.createTemplate(template, channel: channel))
        await catalog.forget(channelID: channel.id, announcingTo: store, logger: context.logger)
        return AddTemplateReply(
            id: created.id, name: template["name"]?.text ?? "", language: template["language"]?.text ?? "",
            category: created.category ?? template["category"]?.text ?? "", status: created.status?.lowercased() ?? "pending")
    }

    func removeTemplate(context: OneMsgRequestContext) async throws -> ResultReply {
        let channel = context.channel
        let name = try BridgeError.validating { try TemplateCatalogTranslation.removal(context.fields) }
        _ = try metrics.upstreamResult("removeTemplate", changes: true, await graph.deleteTemplate(named: name, channel: channel))
        await catalog.forget(channelID: channel.id, announcingTo: store, logger: context.logger)
        return .success
    }

}

extension TemplateCatalog {
    /// Drops the channel's cached list here and on every other instance. The change is made at Meta already, so a
    /// failed announcement only leaves the others' lists stale until their refresh interval ends (and is logged).
    func forget(channelID: String, announcingTo store: any BridgeStore, logger: Logger) async {
        invalidate(channelID: channelID)
        do {
            try await store.announce(.templates(channelID: channelID))
        } catch {
            logger.warning("could not announce the template change", metadata: ["error": "\(error)"])
        }
    }
}

/// Each channel's template list as last read from Meta, served until it is `refreshInterval` old or a
/// template is added or removed through the bridge (through any instance: ``StoreChangeFollower``). When Meta cannot be read, an older list is served
/// rather than an error.
actor TemplateCatalog {
    private struct Entry {
        var items: [TemplateItem]
        var readAt: ContinuousClock.Instant
    }

    private var entries: [String: Entry] = [:]
    private let refreshInterval: Duration

    init(refreshInterval: Duration) {
        self.refreshInterval = refreshInterval
    }

    /// The channel's templates: cached while fresh, else read with `fetch`.
    func items(
        for channel: ChannelRecord, fetch: @Sendable () async throws -> [TemplateItem]
    ) async throws -> [TemplateItem] {
        let now = ContinuousClock.now
        if let entry = entries[channel.id], now - entry.readAt < refreshInterval { return entry.items }
        do {
            let items = try await fetch()
            entries[channel.id] = Entry(items: items, readAt: now)
            return items
        } catch {
            guard let stale = entries[channel.id] else { throw error }
            return stale.items
        }
    }

    func invalidate(channelID: String) {
        entries[channelID] = nil
    }

    /// Drops every channel's list (changes may have been missed).
    func invalidateAll() {
        entries.removeAll()
    }
}

extension TemplatesReply: ResponseEncodable {}
extension AddTemplateReply: ResponseEncodable {}
