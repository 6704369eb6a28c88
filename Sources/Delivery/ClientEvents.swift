import Cloud
import Foundation
import OneMsg
import Store
import Translation

/// The inbound policy: which 1MSG events a channel's webhook URLs get, as outbox entries, given the channel's
/// settings (`ackNotificationsOn`, read as `viewed`, `rawHooks`, `guaranteedHooks`) and Meta's routing by
/// `phone_number_id`. Pure: no I/O, tested by table tests in DeliveryTests.
public enum ClientEvents {
    /// The encoder of every event body: sorted keys, `/` not escaped.
    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return encoder
    }()

    /// A `messages` webhook with one item, `item` being the event already encoded by ``encoder`` (the history keeps
    /// those bytes too): the bytes of `MessagesWebhook` encoded whole, without encoding the item a second time. `nil`
    /// when the channel has no webhook URL.
    public static func queued(_ event: MessageEvent, encoded item: [UInt8], channel: ChannelRecord) throws -> QueuedEvent? {
        guard !channel.settings.webhookURLs.isEmpty else { return nil }
        // Keys sorted, as the encoder writes them: "instanceId" before "messages".
        var body = Data(#"{"instanceId":"#.utf8)
        body += try encoder.encode(channel.id)
        body += Data(#","messages":["#.utf8)
        body += item
        body += Data("]}".utf8)
        return QueuedEvent(channel: channel, chatID: event.chatId, body: body)
    }

    /// An `ack` webhook with one item; `nil` when acks are off or there is no webhook URL.
    /// `read` becomes `viewed` for channels that ask for 1MSG 2.39's wording.
    public static func queued(_ ack: AckEvent, channel: ChannelRecord) throws -> QueuedEvent? {
        guard channel.settings.ackNotificationsOn, !channel.settings.webhookURLs.isEmpty else { return nil }
        let body = try encoder.encode(AckWebhook(instanceId: channel.id, ack: [worded(ack, for: channel)]))
        return QueuedEvent(channel: channel, chatID: ack.chatId, body: body)
    }

    /// The ack as the channel's clients read it: `read` becomes `viewed` when they ask for 1MSG 2.39's wording.
    static func worded(_ ack: AckEvent, for channel: ChannelRecord) -> AckEvent {
        var ack = ack
        if channel.settings.readAckAsViewed, ack.status == "read" { ack.status = "viewed" }
        return ack
    }

    /// One Meta webhook change as Meta sent it, with `instanceId` at the root, for channels with
    /// `rawHooks` on; `nil` otherwise. It shares the line of the chat it is about.
    static func queuedRaw(
        _ change: CloudJSON, entryID: String, chatID: String, channel: ChannelRecord
    ) throws -> QueuedEvent? {
        guard channel.settings.rawHooks, !channel.settings.webhookURLs.isEmpty else { return nil }
        let body: CloudJSON = [
            "instanceId": .string(channel.id), "object": "whatsapp_business_account",
            "entry": [["id": .string(entryID), "changes": [change]]],
        ]
        return QueuedEvent(channel: channel, chatID: chatID, body: try encoder.encode(body))
    }

    /// The `messages` item 1MSG pushes for a message sent through the API (`fromMe` true, `self` 1).
    public static func echo(of sent: SendOperation.Translated, id: String, channel: ChannelRecord, time: Date) -> MessageEvent {
        let business = channel.settings.displayPhoneNumber.map { "\($0)@c.us" } ?? ""
        return MessageEvent(
            id: id, body: sent.historyBody, fromMe: true, selfFlag: 1, isForwarded: false, author: business,
            chatId: sent.recipient.chatId, time: Int(time.timeIntervalSince1970), type: sent.historyType,
            senderName: channel.settings.displayPhoneNumber ?? "", chatName: sent.recipient.chatId.split(separator: "@").first.map(String.init) ?? "",
            caption: sent.historyCaption, quotedMsgId: sent.quotedMsgId)
    }

    /// Everything one verified Meta delivery produces, ready to commit in one transaction.
    /// `channels` are keyed by phone number id; `accounts` are the channels of each WABA id the payload's template
    /// status changes name (those changes carry no phone number id).
    public static func inboundCommit(
        payload: CloudWebhookPayload, raw: [UInt8], channels: [String: ChannelRecord], accounts: [String: [ChannelRecord]] = [:],
        receivedAt: Date, mediaURL: (ChannelRecord, InboundMedia) -> String
    ) throws -> InboundCommit {
        var commit = InboundCommit(payload: raw, receivedAt: receivedAt)
        // Meta's changes as sent are needed for raw hooks, for the events pushed as Meta sent them and for event sinks.
        let withRaw =
            channels.values.contains { $0.settings.rawHooks || !$0.settings.eventSinks.isEmpty }
            || payload.entry.flatMap(\.changes).contains { passthroughFields.contains($0.field) || $0.field == templateStatusField }
        for (entryID, change, rawChange, entryTime) in changes(of: payload, raw: withRaw ? raw : nil) {
            if change.field == templateStatusField {
                let time = entryTime.map { Date(timeIntervalSince1970: TimeInterval($0)) } ?? receivedAt
                commit.keyedEvents += try templateStatusEvents(rawChange?["value"], channels: accounts[entryID] ?? [], entryTime: time)
                continue
            }
            guard let phoneNumberID = change.value.metadata?.phoneNumberID else { continue }
            guard let channel = channels[phoneNumberID] else {
                if !commit.unroutablePhoneNumberIDs.contains(phoneNumberID) {
                    commit.unroutablePhoneNumberIDs.append(phoneNumberID)
                }
                continue
            }
            let chatID = (change.value.messages?.first?.from ?? change.value.statuses?.first?.recipientID).map { "\($0)@c.us" }
            if let rawChange, let event = try queuedRaw(rawChange, entryID: entryID, chatID: chatID ?? "", channel: channel) {
                commit.rawEvents.append(event)
            }
            if let rawValue = rawChange?["value"] {
                commit.keyedEvents += try keyedEvents(field: change.field, value: rawValue, channel: channel)
            }
            commit.identities += identities(in: change.value, channelID: channel.id)
            commit.userIDChanges += userIDChanges(in: change.value, channelID: channel.id)
            commit.businessContacts += businessContacts(in: change.value, channelID: channel.id)
            let events = InboundTranslation.events(from: change.value, field: change.field) { mediaURL(channel, $0) }
            for message in events.messages {
                let item = Array(try encoder.encode(message))
                commit.messages.append(
                    InboundMessageCommit(
                        message: StoredMessage(
                            channelID: channel.id, id: message.id, chatID: message.chatId, fromMe: message.fromMe,
                            type: message.type, body: message.body, quotedMsgID: message.quotedMsgId,
                            time: Date(timeIntervalSince1970: TimeInterval(message.time)),
                            event: item, businessScopedUserID: message.authorBsuid),
                        events: [
                            try queued(message, encoded: item, channel: channel),
                            try sinkEvent(received: message, encoded: item, rawValue: rawChange?["value"], channel: channel),
                        ].compactMap { $0 }))
            }
            commit.messages += try events.history.map { try historyCommit($0, channel: channel) }
            guard change.field == "messages" else { continue }
            for (status, ack) in zip(change.value.statuses ?? [], events.acks) {
                commit.statuses.append(
                    StatusCommit(
                        channelID: channel.id, messageID: status.id, status: status.status,
                        rank: AckRank.rank(status.status), raw: Array(try encoder.encode(status)),
                        events: [
                            try queued(ack, channel: channel),
                            try sinkEvent(status: status, ack: ack, rawValue: rawChange?["value"], channel: channel),
                        ].compactMap { $0 }))
            }
        }
        return commit
    }

    /// The usernames a change shows with their business-scoped ids (its contacts and its statuses' contacts), so
    /// that a send may name a customer by username.
    static func identities(in value: CloudWebhookPayload.Value, channelID: String) -> [CustomerIdentity] {
        let contacts = (value.contacts ?? []) + (value.statuses ?? []).flatMap { $0.contacts ?? [] }
        return contacts.compactMap { contact in
            guard let username = contact.profile?.username.map(Recipient.username), !username.isEmpty,
                let userID = contact.userID, !userID.isEmpty
            else { return nil }
            return CustomerIdentity(channelID: channelID, username: username, businessScopedUserID: userID)
        }
    }

    /// Every change of the payload with its entry's id and, when `raw` is given, the change exactly as
    /// Meta sent it (the decoded model keeps only what the bridge reads) and the entry's `time`.
    static func changes(
        of payload: CloudWebhookPayload, raw: [UInt8]?
    ) -> [(entryID: String, change: CloudWebhookPayload.Change, raw: CloudJSON?, entryTime: Int?)] {
        let rawEntries: [CloudJSON] =
            if let raw, case .array(let entries)? = (try? JSONDecoder().decode(CloudJSON.self, from: Data(raw)))?["entry"] {
                entries
            } else { [] }
        return payload.entry.enumerated().flatMap { entryIndex, entry in
            let rawChanges: [CloudJSON] =
                if entryIndex < rawEntries.count, case .array(let changes)? = rawEntries[entryIndex]["changes"] { changes } else { [] }
            return entry.changes.enumerated().map { changeIndex, change in
                // A change dropped while decoding shifts the rest: a raw change is used only when its field matches.
                let rawChange = changeIndex < rawChanges.count ? rawChanges[changeIndex] : nil
                let entryTime = entryIndex < rawEntries.count ? rawEntries[entryIndex]["time"]?.text.flatMap { Int($0) } : nil
                return (entry.id, change, rawChange?["field"]?.text == change.field ? rawChange : nil, entryTime)
            }
        }
    }
}

extension QueuedEvent {
    /// An event for every webhook URL of `channel`, retried unless the channel turned `guaranteedHooks` off.
    public init(channel: ChannelRecord, chatID: String, body: Data) {
        self.init(
            channelID: channel.id, urls: channel.settings.webhookURLs, chatID: chatID, body: Array(body),
            singleAttempt: !channel.settings.guaranteedHooks)
    }
}
