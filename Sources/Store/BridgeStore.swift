import Foundation
import ServiceLifecycle

/// Everything the bridge keeps, as the product (server, dispatcher, command line) uses it.
/// Implementations: ``SQLiteStore`` (embedded default) and ``PostgresStore`` (shared), so callers never know which
/// one they use. The contract every implementation meets is
/// the store test suite (`Tests/StoreTests`), run against each of them.
public protocol BridgeStore: Sendable {
    // MARK: Lifecycle

    /// Creates or upgrades the schema. Safe to call on every start.
    func migrate() async throws

    /// Cheap round trip, for readiness checks.
    func ping() async throws

    /// What must run while the store is used (PostgreSQL's connection pool), as a Service for the bridge's
    /// `ServiceGroup`; `nil` for a store that needs nothing running (SQLite, test fakes). Run it once.
    var service: (any Service)? { get }

    // MARK: Changes between processes

    /// Whether the processes on this store announce their changes to each other (PostgreSQL, where many bridge
    /// instances share one database): each then follows ``followChanges(_:)`` and polls only as a safety net.
    var announcesChanges: Bool { get }

    /// Tells every process following this database (``followChanges(_:)``, this one included) about `change`. The
    /// store announces its own writes (queued events, channel changes); this is for what it does not keep (templates).
    func announce(_ change: StoreChange) async throws

    /// Calls `receive` with each change announced on this database, until the task is cancelled: first with
    /// ``StoreChange/resync`` once following, and again after each reconnect (what was announced in between is lost).
    /// Returns at once when ``announcesChanges`` is `false`.
    func followChanges(_ receive: @escaping @Sendable (StoreChange) async -> Void) async throws

    // MARK: Channels

    /// Adds a channel; throws ``StoreError/channelExists(field:value:)`` on a duplicate id or phone number id.
    func addChannel(_ channel: ChannelRecord) async throws
    /// The channel with this id.
    func channel(id: String) async throws -> ChannelRecord?
    /// The channel whose token hashes to `tokenHash`.
    func channel(tokenHash: String) async throws -> ChannelRecord?
    /// Every channel, ordered by id.
    func channels() async throws -> [ChannelRecord]
    /// Removes a channel; `false` when there was none.
    func removeChannel(id: String) async throws -> Bool
    /// Replaces a channel's settings; throws ``StoreError/channelNotFound(id:)``.
    func updateSettings(channelID: String, settings: ChannelSettings) async throws
    /// Replaces a channel's Meta credentials; throws ``StoreError/channelNotFound(id:)``.
    func updateCredentials(channelID: String, accessToken: String, appSecret: String, verifyToken: String) async throws
    /// Replaces a channel's token hash; throws ``StoreError/channelNotFound(id:)``.
    func replaceTokenHash(channelID: String, tokenHash: String) async throws

    // MARK: Secrets

    /// A random secret of this installation, created on first use and the same ever after (signs media links).
    func installationSecret(named name: String) async throws -> String

    // MARK: History

    /// Records a message in the channel's history and queues its events, in one transaction; returns
    /// its per-channel message number. A message already in the history (same wamid) queues nothing.
    @discardableResult
    func recordMessage(_ message: StoredMessage, events: [QueuedEvent]) async throws -> Int64

    /// The messages of a channel matching a `GET /messages` query.
    func history(channelID: String, query: HistoryQuery) async throws -> [HistoryEntry]

    // MARK: Inbound

    /// Commits a raw Meta webhook body, its messages, statuses and the events they produce, in one
    /// transaction. Messages already known by wamid (unless they fill a history `media_placeholder`), statuses
    /// known by (wamid, status) and keyed events known by (channel, key) are dropped; identities follow
    /// ``InboundCommit/userIDChanges``.
    @discardableResult
    func commitInbound(_ commit: InboundCommit) async throws -> InboundCommitResult

    /// The business-scoped user id a username of the channel's customers stands for, as webhooks last showed it
    /// (``InboundCommit/identities``); `nil` for a username no webhook has shown.
    func businessScopedUserID(username: String, channelID: String) async throws -> String?

    /// A contact of the channel's Business App address book by number (digits), as `smb_app_state_sync` last
    /// reported it (``InboundCommit/businessContacts``); `nil` when unknown or removed.
    func businessContact(phone: String, channelID: String) async throws -> BusinessContact?

    /// Meta's status objects of a channel's messages received in `[start, end)`, for its statistics.
    func statuses(channelID: String, receivedFrom start: Date, to end: Date) async throws -> [[UInt8]]

    /// Meta's stored status objects of one message, oldest first.
    func statuses(channelID: String, messageID: String) async throws -> [[UInt8]]

    // MARK: Idempotency keys

    /// Claims a send's `Idempotency-Key` on a channel for the request with this `fingerprint`, in one transaction:
    /// a key first seen, or last claimed more than ``IdempotencyKeys/lifetime`` before `now`, is ``IdempotencyClaim/claimed``;
    /// otherwise the earlier request's reply, ``IdempotencyClaim/conflict`` or ``IdempotencyClaim/pending(since:)``.
    /// Expired keys of every channel are removed on the way.
    func claimIdempotencyKey(channelID: String, key: String, fingerprint: String, now: Date) async throws -> IdempotencyClaim
    /// Keeps the reply of a claimed key's request, for its retries.
    func recordIdempotentReply(channelID: String, key: String, reply: IdempotentReply) async throws
    /// Frees a claimed key whose request certainly reached no one (nothing was sent): a retry may send it.
    func releaseIdempotencyKey(channelID: String, key: String) async throws

    // MARK: Outbox

    /// Claims up to `limit` pending entries, oldest first, that are due, first in line for their (channel, URL, chat),
    /// and whose line holds no unexpired lease (`lease_until > now`); in the same transaction each is leased to `owner`
    /// until `now + leaseFor`. Two owners claiming at once never get one entry, nor two entries of one line; a dispatcher
    /// that dies leaves its leases to expire, and then any owner may claim the entries again.
    func claimOutboxEntries(now: Date, limit: Int, leaseFor: Duration, owner: String) async throws -> [OutboxEntry]
    /// The earliest time a pending entry becomes due, if any (it may still wait in line or behind a lease).
    func nextOutboxDueDate() async throws -> Date?
    /// Removes delivered entries, all in one transaction, and returns how many. Lease rule (as for ``reschedule`` and
    /// ``deadLetter``): only entries still leased to `owner` change, expired or not; an entry another owner claimed
    /// since, or that is no longer leased, is left as it is, so a late result never undoes the newer owner's state.
    @discardableResult
    func markDelivered(outboxIDs: [Int64], owner: String) async throws -> Int
    /// Records a failed attempt of a pending entry leased to `owner` and when to try it again; it keeps its place in
    /// line and its lease ends. Returns `false` (and changes nothing) when `owner` no longer holds the entry.
    @discardableResult
    func reschedule(outboxID: Int64, owner: String, attempts: Int, at: Date, error: String) async throws -> Bool
    /// Records a failed attempt that ends the retries of a pending entry leased to `owner`: it becomes a dead letter
    /// and leaves the line, so the next entry of its chat can go. Returns `false` (and changes nothing) when `owner`
    /// no longer holds the entry.
    @discardableResult
    func deadLetter(outboxID: Int64, owner: String, attempts: Int, error: String) async throws -> Bool
    /// Makes every pending entry for `url` that waits past `now` due at `now` (its receiver is back after an outage);
    /// returns how many. Leases and the order in line stay as they are.
    @discardableResult
    func expediteDeliveries(to url: String, now: Date) async throws -> Int
    /// Dead letters, oldest first.
    func deadLetters(limit: Int) async throws -> [OutboxEntry]
    /// Puts dead letters (all, or those with the given ids) back in line with a fresh retry budget; returns how many.
    func replayDeadLetters(ids: [Int64]?, now: Date) async throws -> Int
    /// How many entries are pending and dead, and the age of the oldest pending one at `now` (for metrics).
    func outboxStats(now: Date) async throws -> OutboxStats
}

extension BridgeStore {
    /// Nothing to run.
    public var service: (any Service)? { nil }

    /// One process at a time (SQLite, test fakes): nothing to announce nor follow.
    public var announcesChanges: Bool { false }

    /// Nothing to announce: every change is made by the one process that serves from the store.
    public func announce(_ change: StoreChange) async throws {}

    /// Returns at once: nothing to follow.
    public func followChanges(_ receive: @escaping @Sendable (StoreChange) async -> Void) async throws {}
}
