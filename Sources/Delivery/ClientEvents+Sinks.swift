import Cloud
import Foundation
import OneMsg
import Store

extension ClientEvents {
    /// The field of Meta's template status webhooks; their entry's `id` is the WABA id (no `metadata`).
    public static let templateStatusField = "message_template_status_update"

    /// The WABA ids whose template status changed in `payload`: their channels' cached template lists are stale.
    public static func templateStatusAccounts(in payload: CloudWebhookPayload) -> Set<String> {
        Set(payload.entry.filter { $0.changes.contains { $0.field == templateStatusField } }.map(\.id))
    }

    /// The CloudEvent of a customer's message for the channel's event sinks; `nil` without sinks and for messages
    /// that are not a customer's (echoes of the business's own messages).
    static func sinkEvent(
        received message: MessageEvent, encoded item: [UInt8], rawValue: CloudJSON?, channel: ChannelRecord
    ) throws -> QueuedEvent? {
        guard !channel.settings.eventSinks.isEmpty, !message.fromMe else { return nil }
        let meta = rawElement(of: rawValue, list: "messages") { $0["id"]?.text == message.id }
        let event = try CloudEvent.messageReceived(
            wamid: message.id, channelID: channel.id, chatID: message.chatId,
            time: Date(timeIntervalSince1970: TimeInterval(message.time)), item: item, meta: meta)
        return QueuedEvent(sinksOf: channel, chatID: message.chatId, body: try event.encoded())
    }

    /// The CloudEvent of a status for the channel's event sinks, whatever `ackNotificationsOn` says (that setting is
    /// the 1MSG client's); `nil` without sinks and for statuses that have no event type.
    static func sinkEvent(
        status: CloudWebhookPayload.Status, ack: AckEvent, rawValue: CloudJSON?, channel: ChannelRecord
    ) throws -> QueuedEvent? {
        guard !channel.settings.eventSinks.isEmpty else { return nil }
        let meta = rawElement(of: rawValue, list: "statuses") { $0["id"]?.text == status.id && $0["status"]?.text == status.status }
        let time = Date(timeIntervalSince1970: TimeInterval(Int(status.timestamp) ?? 0))
        guard
            let event = try CloudEvent.status(
                status.status, wamid: status.id, channelID: channel.id, chatID: ack.chatId, time: time,
                item: Array(try encoder.encode(worded(ack, for: channel))), meta: meta)
        else { return nil }
        return QueuedEvent(sinksOf: channel, chatID: ack.chatId, body: try event.encoded())
    }

    /// A template status change for each channel of its WABA, remembered by template id, event and Meta's entry time
    /// so that Meta's retries queue nothing twice; queued to the channel's event sinks (1MSG has no such webhook).
    static func templateStatusEvents(_ value: CloudJSON?, channels: [ChannelRecord], entryTime: Date) throws -> [KeyedEventCommit] {
        guard let value, case .object = value else { return [] }
        return try channels.map { channel in
            let event = try CloudEvent.templateStatus(value: value, channelID: channel.id, entryTime: entryTime)
            let queued = channel.settings.eventSinks.isEmpty ? nil : QueuedEvent(sinksOf: channel, chatID: "", body: try event.encoded())
            return KeyedEventCommit(channelID: channel.id, key: event.id, event: queued)
        }
    }

    /// The first element of `value[list]` that `matches`, as Meta sent it.
    private static func rawElement(of value: CloudJSON?, list: String, matches: (CloudJSON) -> Bool) -> CloudJSON? {
        guard case .array(let elements)? = value?[list] else { return nil }
        return elements.first(where: matches)
    }
}

extension QueuedEvent {
    /// An event for every event sink of `channel`, retried unless the channel turned `guaranteedHooks` off, and
    /// part of a batch when the channel turned `eventBatch` on (the store joins a commit's batch events per chat).
    init(sinksOf channel: ChannelRecord, chatID: String, body: [UInt8]) {
        self.init(
            channelID: channel.id, urls: channel.settings.eventSinks, chatID: chatID, body: body,
            singleAttempt: !channel.settings.guaranteedHooks, batch: channel.settings.eventBatch)
    }
}
