import Cloud
import Foundation
import OneMsg
import Store
import Translation

extension ClientEvents {
    /// The `changes[].field` values the bridge acts on; any other field is counted and ignored (never refused:
    /// Meta retries anything but a 200).
    public static let handledFields: Set<String> = Set(["messages", "smb_message_echoes", "history", "smb_app_state_sync", "user_id_update"])
        .union(passthroughFields).union([templateStatusField])

    /// The fields whose events are pushed as Meta sent them (calls and groups).
    static let passthroughFields: Set<String> = PassthroughTranslation.groupFields.union(["calls"])

    /// The call and group events of one change, as `{"instanceId", "type": "calls"|"groups", …Meta's value}`
    /// bodies keyed by what they are about, so that Meta's retries push nothing twice.
    static func keyedEvents(field: String, value: CloudJSON, channel: ChannelRecord) throws -> [KeyedEventCommit] {
        try PassthroughTranslation.events(field: field, value: value).map { event in
            var body = event.value
            body["instanceId"] = .string(channel.id)
            body["type"] = .string(event.type)
            let queued =
                channel.settings.webhookURLs.isEmpty
                ? nil : QueuedEvent(channel: channel, chatID: event.chatId, body: try encoder.encode(CloudJSON.object(body)))
            return KeyedEventCommit(channelID: channel.id, key: event.key, event: queued)
        }
    }

    /// An older message (field `history`) for the history only: no event is queued for it.
    static func historyCommit(_ message: MessageEvent, channel: ChannelRecord) throws -> InboundMessageCommit {
        InboundMessageCommit(
            message: StoredMessage(
                channelID: channel.id, id: message.id, chatID: message.chatId, fromMe: message.fromMe, type: message.type,
                body: message.body, quotedMsgID: message.quotedMsgId, time: Date(timeIntervalSince1970: TimeInterval(message.time)),
                event: Array(try encoder.encode(message)), businessScopedUserID: message.authorBsuid),
            event: nil, fillsPlaceholder: true)
    }

    /// The business-scoped ids a `user_id_update` change moves from one value to another.
    static func userIDChanges(in value: CloudWebhookPayload.Value, channelID: String) -> [UserIDChange] {
        (value.userIDUpdates ?? []).compactMap { update in
            guard let previous = update.userID?.previous, !previous.isEmpty, let current = update.userID?.current, !current.isEmpty
            else { return nil }
            return UserIDChange(channelID: channelID, previous: previous, current: current)
        }
    }

    /// The contacts an `smb_app_state_sync` change adds (or edits) and removes in the Business App.
    static func businessContacts(in value: CloudWebhookPayload.Value, channelID: String) -> [BusinessContactChange] {
        (value.stateSync ?? []).compactMap { item in
            guard item.type == nil || item.type == "contact", let contact = item.contact,
                let phone = contact.phoneNumber?.filter(\.isNumber), !phone.isEmpty,
                let action = item.action?.lowercased(), action == "add" || action == "remove"
            else { return nil }
            let changedAt = Date(timeIntervalSince1970: TimeInterval(item.metadata?.timestamp.flatMap(Int.init) ?? 0))
            return BusinessContactChange(
                contact: BusinessContact(
                    channelID: channelID, phone: phone, fullName: contact.fullName, firstName: contact.firstName, changedAt: changedAt),
                removed: action == "remove")
        }
    }
}
