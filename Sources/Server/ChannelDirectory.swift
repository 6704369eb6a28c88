import Foundation
import Store
import Synchronization

/// Looks channels up for the edge (by token, hashed and compared in constant time; by id; every channel for Meta's
/// webhooks) from an in-memory snapshot of all channels, so that a request costs no database read.
///
/// The snapshot is dropped when this process changes a channel (``updateSettings(of:to:)``), when another instance
/// announces a change (``StoreChangeFollower``), and after ``freshness`` at the latest: that bounds how long a change
/// made by a process that announces nothing (the `channel` command on a SQLite store) takes to apply. Whatever the
/// snapshot does not know (a token, a channel id, a phone number id) is looked up in the store before it is refused,
/// so a channel added or a token rotated a moment ago works at once.
final class ChannelDirectory: Sendable {
    let store: any BridgeStore
    /// How long a snapshot serves without being read again from the store.
    let freshness: Duration
    private let state = Mutex(State())

    init(store: any BridgeStore, freshness: Duration = .seconds(1)) {
        self.store = store
        self.freshness = freshness
    }

    /// The channel one of `tokens` belongs to; with `channelID`, only that channel qualifies.
    func authenticate(tokens: [String], channelID: String?) async throws -> ChannelRecord? {
        guard !tokens.isEmpty else { return nil }
        let snapshot = try await current()
        if let channelID {
            if let known = snapshot.byID[channelID], Self.accepts(tokens, known) { return known }
            // Unknown here, or a token the snapshot does not hold: the store may know better (a rotated token).
            let stored = try await BridgeError.storing { try await self.store.channel(id: channelID) }
            guard let stored, Self.accepts(tokens, stored) else { return nil }
            invalidate()
            return stored
        }
        let hashes = tokens.map(ChannelToken.hash)
        for (token, hash) in zip(tokens, hashes) {
            if let known = snapshot.byTokenHash[hash], ChannelToken.matches(token, storedHash: known.tokenHash) { return known }
        }
        for (token, hash) in zip(tokens, hashes) {
            if let stored = try await BridgeError.storing({ try await self.store.channel(tokenHash: hash) }),
                ChannelToken.matches(token, storedHash: stored.tokenHash)
            {
                invalidate()
                return stored
            }
        }
        return nil
    }

    /// The channel with `id`, or `nil`.
    func channel(id: String) async throws -> ChannelRecord? {
        if let known = try await current().byID[id] { return known }
        return try await BridgeError.storing { try await self.store.channel(id: id) }
    }

    /// Every channel; `fresh` reads them from the store first (a webhook names a number or bears a signature that the
    /// snapshot does not know) and keeps what it read as the snapshot: anyone can send such a webhook, so it must not
    /// leave the other requests without one.
    func all(fresh: Bool = false) async throws -> [ChannelRecord] {
        try await (fresh ? reload() : current()).channels
    }

    /// Applies `change` to the channel's settings as stored now, not as the snapshot has them: an operator's change
    /// (a signing secret, event sinks) made within the snapshot's freshness is kept, not written back over. Stores the
    /// result when it differs; this process sees it from its next request on. `nil` when the channel is gone.
    func updateSettings(
        of channelID: String, _ change: (inout ChannelSettings) -> Void
    ) async throws -> (before: ChannelSettings, after: ChannelSettings)? {
        guard let stored = try await BridgeError.storing({ try await self.store.channel(id: channelID) }) else { return nil }
        var settings = stored.settings
        change(&settings)
        if settings != stored.settings {
            defer { invalidate() }
            try await BridgeError.storing { try await self.store.updateSettings(channelID: channelID, settings: settings) }
        }
        return (stored.settings, settings)
    }

    /// Drops the snapshot: a channel changed.
    func invalidate() {
        state.withLock { state in
            state.snapshot = nil
            state.generation &+= 1
        }
    }

    private static func accepts(_ tokens: [String], _ channel: ChannelRecord) -> Bool {
        // Every candidate is compared, so the time taken does not tell which one matched.
        tokens.map { ChannelToken.matches($0, storedHash: channel.tokenHash) }.contains(true)
    }

    /// The snapshot, read from the store when there is none or it is older than ``freshness``. Every request that
    /// finds it expired reads (a few reads once a second under load) rather than use it a moment longer.
    private func current() async throws -> Snapshot {
        let now = ContinuousClock.now
        let cached = state.withLock { state in state.snapshot.flatMap { now - $0.loadedAt < freshness ? $0 : nil } }
        if let cached { return cached }
        return try await reload()
    }

    /// Reads every channel from the store and keeps them as the snapshot.
    private func reload() async throws -> Snapshot {
        let (generation, now) = (state.withLock { $0.generation }, ContinuousClock.now)
        let loaded = Snapshot(try await BridgeError.storing { try await self.store.channels() }, loadedAt: now)
        state.withLock { state in
            // A change made while this read ran may be missing from it: keep it for this request only.
            if state.generation == generation { state.snapshot = loaded }
        }
        return loaded
    }

    /// Every channel as read at one moment, indexed the ways requests look them up.
    private struct Snapshot: Sendable {
        let channels: [ChannelRecord]
        let byID: [String: ChannelRecord]
        let byTokenHash: [String: ChannelRecord]
        let loadedAt: ContinuousClock.Instant

        init(_ channels: [ChannelRecord], loadedAt: ContinuousClock.Instant) {
            self.channels = channels
            byID = Dictionary(channels.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            byTokenHash = Dictionary(channels.map { ($0.tokenHash, $0) }, uniquingKeysWith: { first, _ in first })
            self.loadedAt = loadedAt
        }
    }

    private struct State: Sendable {
        var snapshot: Snapshot?
        /// Counts invalidations, so that a read that began before one is not kept after it.
        var generation: UInt64 = 0
    }
}
