import Foundation

/// Everything the bridge keeps. Implementations: ``SQLiteStore`` (embedded default); a PostgreSQL
/// store implements the same protocol, so callers never know which one they use.
public protocol BridgeStore: Sendable {
    /// Creates or upgrades the schema. Safe to call on every start.
    func migrate() async throws

    /// Cheap round trip, for readiness checks.
    func ping() async throws

    /// Adds a channel; throws ``StoreError/channelExists(field:value:)`` on a duplicate id or phone number id.
    func addChannel(_ channel: ChannelRecord) async throws
    func channel(id: String) async throws -> ChannelRecord?
    /// The channel whose token hashes to `tokenHash`.
    func channel(tokenHash: String) async throws -> ChannelRecord?
    func channel(phoneNumberID: String) async throws -> ChannelRecord?
    /// Every channel, ordered by id.
    func channels() async throws -> [ChannelRecord]
    /// Removes a channel; `false` when there was none.
    func removeChannel(id: String) async throws -> Bool
    /// Replaces a channel's token hash; throws ``StoreError/channelNotFound(id:)``.
    func replaceTokenHash(channelID: String, tokenHash: String) async throws

    /// Records a message in the channel's history; returns its per-channel message number.
    @discardableResult
    func recordMessage(_ message: StoredMessage) async throws -> Int64

    /// The messages of a channel, oldest first.
    func messages(channelID: String) async throws -> [StoredMessage]

    /// Commits a raw Meta webhook body before it is acknowledged; returns its row id.
    @discardableResult
    func recordInboundPayload(_ body: [UInt8], receivedAt: Date) async throws -> Int64

    /// The most recent raw Meta webhook bodies, newest first.
    func recentInboundPayloads(limit: Int) async throws -> [[UInt8]]
}
