import Foundation

/// A 1MSG webhook event to deliver to each of a channel's webhook URLs.
public struct QueuedEvent: Sendable, Hashable {
    public var channelID: String
    /// Every URL gets its own copy, delivered independently.
    public var urls: [String]
    /// Events of one chat reach one URL in the order they were queued.
    public var chatID: String
    /// The whole JSON body to POST (`{"instanceId": …, "messages"|"ack": [...]}`).
    public var body: [UInt8]
    /// One attempt only, no retries (the channel turned `guaranteedHooks` off).
    public var singleAttempt: Bool

    public init(channelID: String, urls: [String], chatID: String, body: [UInt8], singleAttempt: Bool = false) {
        self.channelID = channelID
        self.urls = urls
        self.chatID = chatID
        self.body = body
        self.singleAttempt = singleAttempt
    }
}

/// One queued delivery to one URL, as stored.
public struct OutboxEntry: Sendable, Hashable {
    /// Where the entry is in its life.
    public enum State: String, Sendable, Hashable {
        case pending, delivered, dead
    }

    public var id: Int64
    public var channelID: String
    public var url: String
    public var chatID: String
    public var body: [UInt8]
    public var attempts: Int
    public var queuedAt: Date
    public var nextAttemptAt: Date
    public var lastError: String?
    public var state: State
    /// A failed attempt is not retried: the entry becomes a dead letter at once.
    public var singleAttempt: Bool

    public init(id: Int64, channelID: String, url: String, chatID: String, body: [UInt8], attempts: Int, queuedAt: Date, nextAttemptAt: Date, lastError: String?, state: State, singleAttempt: Bool = false) {
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
    public var message: StoredMessage
    public var event: QueuedEvent?

    public init(message: StoredMessage, event: QueuedEvent?) {
        self.message = message
        self.event = event
    }
}

/// A status of an outbound message to keep for `/hookInfo`, and its ack event.
public struct StatusCommit: Sendable, Hashable {
    public var channelID: String
    public var messageID: String
    public var status: String
    /// Position in sent < delivered < read < failed; an ack whose rank is not above the stored ones is kept but not pushed.
    public var rank: Int
    /// Meta's status object, as received.
    public var raw: [UInt8]
    /// `nil` when the channel does not want acks.
    public var event: QueuedEvent?

    public init(channelID: String, messageID: String, status: String, rank: Int, raw: [UInt8], event: QueuedEvent?) {
        self.channelID = channelID
        self.messageID = messageID
        self.status = status
        self.rank = rank
        self.raw = raw
        self.event = event
    }
}

/// Everything one Meta webhook delivery produces, committed in one transaction before Meta gets its 200.
public struct InboundCommit: Sendable, Hashable {
    public var payload: [UInt8]
    public var receivedAt: Date
    /// Phone number ids in the payload that belong to no channel.
    public var unroutablePhoneNumberIDs: [String]
    public var messages: [InboundMessageCommit]
    public var statuses: [StatusCommit]
    /// Meta's changes as received, for channels with `rawHooks` on; queued as they are, duplicates included.
    public var rawEvents: [QueuedEvent]

    public init(
        payload: [UInt8], receivedAt: Date, unroutablePhoneNumberIDs: [String] = [], messages: [InboundMessageCommit] = [],
        statuses: [StatusCommit] = [], rawEvents: [QueuedEvent] = []
    ) {
        self.payload = payload
        self.receivedAt = receivedAt
        self.unroutablePhoneNumberIDs = unroutablePhoneNumberIDs
        self.messages = messages
        self.statuses = statuses
        self.rawEvents = rawEvents
    }
}

/// What an ``InboundCommit`` changed.
public struct InboundCommitResult: Sendable, Hashable {
    public var newMessages = 0
    public var duplicateMessages = 0
    public var newStatuses = 0
    public var duplicateStatuses = 0
    /// Outbox rows written (one per event and URL).
    public var queuedDeliveries = 0

    public init() {}
}

/// Depth and age of the outbox, for metrics.
public struct OutboxStats: Sendable, Hashable {
    public var pending: Int
    public var dead: Int
    /// Age of the oldest pending entry, in seconds.
    public var oldestPendingAge: Double

    public init(pending: Int, dead: Int, oldestPendingAge: Double) {
        self.pending = pending
        self.dead = dead
        self.oldestPendingAge = oldestPendingAge
    }
}
