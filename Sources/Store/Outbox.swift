import Foundation

/// A 1MSG webhook event to deliver to each of a channel's webhook URLs.
public struct QueuedEvent: Sendable, Hashable {
    /// The channel whose client gets the event.
    public var channelID: String
    /// Every URL gets its own copy, delivered independently.
    public var urls: [String]
    /// Events of one chat reach one URL in the order they were queued.
    public var chatID: String
    /// The whole JSON body to POST (`{"instanceId": …, "messages"|"ack": [...]}`).
    public var body: [UInt8]
    /// One attempt only, no retries (the channel turned `guaranteedHooks` off).
    public var singleAttempt: Bool
    /// Queued as part of a batch: the batch events of one commit that share channel, URLs, chat and attempts are
    /// queued, once the commit knows which of them are new, as one entry whose body is the JSON array of their
    /// bodies (``batched(_:)``).
    public var batch: Bool

    /// An event for every URL in `urls`.
    public init(channelID: String, urls: [String], chatID: String, body: [UInt8], singleAttempt: Bool = false, batch: Bool = false) {
        self.channelID = channelID
        self.urls = urls
        self.chatID = chatID
        self.body = body
        self.singleAttempt = singleAttempt
        self.batch = batch
    }

    /// The batch events joined per channel, URLs, chat and attempts, in order of first appearance: each group one
    /// event whose body is `[<body>,<body>,…]` (each body being JSON).
    public static func batched(_ events: [QueuedEvent]) -> [QueuedEvent] {
        struct Line: Hashable {
            var channelID: String
            var urls: [String]
            var chatID: String
            var singleAttempt: Bool
        }
        var order: [Line] = []
        var bodies: [Line: [[UInt8]]] = [:]
        for event in events {
            let line = Line(channelID: event.channelID, urls: event.urls, chatID: event.chatID, singleAttempt: event.singleAttempt)
            if bodies[line] == nil { order.append(line) }
            bodies[line, default: []].append(event.body)
        }
        return order.map { line in
            let body = Array("[".utf8) + (bodies[line] ?? []).joined(separator: Array(",".utf8)) + Array("]".utf8)
            return QueuedEvent(channelID: line.channelID, urls: line.urls, chatID: line.chatID, body: body, singleAttempt: line.singleAttempt)
        }
    }
}

/// One queued delivery to one URL, as stored.
public struct OutboxEntry: Sendable, Hashable {
    /// Where the entry is in its life.
    public enum State: String, Sendable, Hashable {
        /// Waiting in line for delivery.
        case pending
        /// Delivered (delivered entries are removed, so none is read back).
        case delivered
        /// Out of retries: a dead letter, kept for replay.
        case dead
    }

    /// The queue position: entries of one line go in id order.
    public var id: Int64
    /// The channel the event belongs to.
    public var channelID: String
    /// Where the body is POSTed.
    public var url: String
    /// The chat whose line the entry waits in.
    public var chatID: String
    /// The JSON body to POST.
    public var body: [UInt8]
    /// Failed attempts so far.
    public var attempts: Int
    /// When the event was queued (or replayed); retries stop a while after it.
    public var queuedAt: Date
    /// When the entry is due.
    public var nextAttemptAt: Date
    /// Why the last attempt failed.
    public var lastError: String?
    /// Pending, delivered or dead.
    public var state: State
    /// A failed attempt is not retried: the entry becomes a dead letter at once.
    public var singleAttempt: Bool

    /// An entry as stored.
    public init(
        id: Int64, channelID: String, url: String, chatID: String, body: [UInt8], attempts: Int, queuedAt: Date, nextAttemptAt: Date,
        lastError: String?, state: State, singleAttempt: Bool = false
    ) {
        self.id = id
        self.channelID = channelID
        self.url = url
        self.chatID = chatID
        self.body = body
        self.attempts = attempts
        self.queuedAt = queuedAt
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.state = state
        self.singleAttempt = singleAttempt
    }
}

/// An inbound message to keep in the history, and its event when it is new.
public struct InboundMessageCommit: Sendable, Hashable {
    /// The message for the history.
    public var message: StoredMessage
    /// What is queued when the message is new: its `messages` event for the webhook URLs and its CloudEvent for the
    /// event sinks (one ``QueuedEvent`` per body); empty when nothing is pushed.
    public var events: [QueuedEvent]
    /// The message brings the content of a history `media_placeholder` with the same wamid: it replaces the
    /// placeholder, keeping its number (a known wamid of any other type stays as it is).
    public var fillsPlaceholder: Bool

    /// A message and the events queued when it is new.
    public init(message: StoredMessage, events: [QueuedEvent], fillsPlaceholder: Bool = false) {
        self.message = message
        self.events = events
        self.fillsPlaceholder = fillsPlaceholder
    }

    /// A message and at most one event.
    public init(message: StoredMessage, event: QueuedEvent?, fillsPlaceholder: Bool = false) {
        self.init(message: message, events: event.map { [$0] } ?? [], fillsPlaceholder: fillsPlaceholder)
    }
}

/// A status of an outbound message to keep for `/hookInfo`, and its ack event.
public struct StatusCommit: Sendable, Hashable {
    /// The channel that sent the message.
    public var channelID: String
    /// The wamid of the message.
    public var messageID: String
    /// Meta's status: `sent`, `delivered`, `read`, `failed`, ….
    public var status: String
    /// Position in sent < delivered < read < failed; an ack whose rank is not above the stored ones is kept but not pushed.
    public var rank: Int
    /// Meta's status object, as received.
    public var raw: [UInt8]
    /// What is queued when the status is new and moves the message forward: its `ack` event (when the channel wants
    /// acks) and its CloudEvent for the event sinks; empty when nothing is pushed.
    public var events: [QueuedEvent]

    /// A status and the events it queues.
    public init(channelID: String, messageID: String, status: String, rank: Int, raw: [UInt8], events: [QueuedEvent]) {
        self.channelID = channelID
        self.messageID = messageID
        self.status = status
        self.rank = rank
        self.raw = raw
        self.events = events
    }

    /// A status and at most one event.
    public init(channelID: String, messageID: String, status: String, rank: Int, raw: [UInt8], event: QueuedEvent?) {
        self.init(channelID: channelID, messageID: messageID, status: status, rank: rank, raw: raw, events: event.map { [$0] } ?? [])
    }
}

/// Everything one Meta webhook delivery produces, committed in one transaction before Meta gets its 200.
public struct InboundCommit: Sendable, Hashable {
    /// Meta's webhook body, byte for byte.
    public var payload: [UInt8]
    /// When it arrived; the queue time of the events it produces.
    public var receivedAt: Date
    /// Phone number ids in the payload that belong to no channel.
    public var unroutablePhoneNumberIDs: [String]
    /// Messages for the history, with their events.
    public var messages: [InboundMessageCommit]
    /// Statuses of outbound messages, with their ack events.
    public var statuses: [StatusCommit]
    /// Meta's changes as received, for channels with `rawHooks` on; queued as they are, duplicates included.
    public var rawEvents: [QueuedEvent]
    /// The usernames the delivery showed with their business-scoped ids, so that sends may name a username.
    public var identities: [CustomerIdentity]
    /// Call and group events, queued once per key and channel.
    public var keyedEvents: [KeyedEventCommit]
    /// Contacts added to or removed from the Business App, applied in order.
    public var businessContacts: [BusinessContactChange]
    /// Business-scoped ids that changed, applied after `identities`.
    public var userIDChanges: [UserIDChange]

    /// A webhook delivery and what it produces.
    public init(
        payload: [UInt8], receivedAt: Date, unroutablePhoneNumberIDs: [String] = [], messages: [InboundMessageCommit] = [],
        statuses: [StatusCommit] = [], rawEvents: [QueuedEvent] = [], identities: [CustomerIdentity] = [],
        keyedEvents: [KeyedEventCommit] = [], businessContacts: [BusinessContactChange] = [], userIDChanges: [UserIDChange] = []
    ) {
        self.payload = payload
        self.receivedAt = receivedAt
        self.unroutablePhoneNumberIDs = unroutablePhoneNumberIDs
        self.messages = messages
        self.statuses = statuses
        self.rawEvents = rawEvents
        self.identities = identities
        self.keyedEvents = keyedEvents
        self.businessContacts = businessContacts
        self.userIDChanges = userIDChanges
    }
}

/// A customer's WhatsApp username and business-scoped user id on one channel, as a webhook showed them.
public struct CustomerIdentity: Sendable, Hashable {
    public var channelID: String
    /// The username without a leading `@`.
    public var username: String
    public var businessScopedUserID: String

    public init(channelID: String, username: String, businessScopedUserID: String) {
        self.channelID = channelID
        self.username = username
        self.businessScopedUserID = businessScopedUserID
    }
}

/// What an ``InboundCommit`` changed.
public struct InboundCommitResult: Sendable, Hashable {
    /// Messages added to the history.
    public var newMessages = 0
    /// Messages dropped: their wamid was known.
    public var duplicateMessages = 0
    /// Statuses kept.
    public var newStatuses = 0
    /// Statuses dropped: their (wamid, status) was known.
    public var duplicateStatuses = 0
    /// Outbox rows written (one per event and URL).
    public var queuedDeliveries = 0
    /// Keyed (call and group) events seen for the first time.
    public var newKeyedEvents = 0
    /// Keyed events dropped: their key was known.
    public var duplicateKeyedEvents = 0

    /// Nothing changed yet.
    public init() {}
}

/// Depth and age of the outbox, for metrics.
public struct OutboxStats: Sendable, Hashable {
    /// Entries waiting for delivery.
    public var pending: Int
    /// Dead letters.
    public var dead: Int
    /// Age of the oldest pending entry, in seconds.
    public var oldestPendingAge: Double

    /// Outbox figures.
    public init(pending: Int, dead: Int, oldestPendingAge: Double) {
        self.pending = pending
        self.dead = dead
        self.oldestPendingAge = oldestPendingAge
    }
}

extension OutboxEntry {
    /// When a lease taken at `now` for `duration` ends, in seconds since 1970 (as stored in `lease_until`).
    static func leaseEnd(now: Date, duration: Duration) -> Double {
        let components = duration.components
        return now.timeIntervalSince1970 + Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
