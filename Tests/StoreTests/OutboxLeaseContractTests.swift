import Foundation
import Store
import Testing

/// The store contract for outbox leases (several dispatchers on one store), run against every store. Times are given
/// as `now:` values, so leases expire without sleeping.
@Suite("Store contract: outbox leases")
struct OutboxLeaseContractTests {
    /// Queues `count` events of `chat` for `url`, numbered from 1 in their bodies, queued at `Fixtures.epoch`.
    private static func queue(_ store: any BridgeStore, chat: String, url: String = "http://a/hook", count: Int = 1, tag: String = "") async throws {
        for number in 1...count {
            try await store.recordMessage(
                Fixtures.message("\(chat)-\(url)-\(tag)\(number)", chat: chat, time: Fixtures.epoch),
                events: [Fixtures.event(chat, "\(chat) \(tag)\(number)", urls: [url])])
        }
    }

    private static func text(_ entry: OutboxEntry) -> String { String(decoding: entry.body, as: UTF8.self) }

    private static func line(_ entry: OutboxEntry) -> String { "\(entry.channelID) \(entry.url) \(entry.chatID)" }

    @Test("owners claiming at once never get one entry, nor two entries of one line", arguments: StoreFactory.all)
    func concurrentClaims(factory: StoreFactory) async throws {
        let store = try await factory.makeStore()
        for chat in ["1@c.us", "2@c.us", "3@c.us"] {
            for url in ["http://a/hook", "http://b/hook"] {
                try await Self.queue(store, chat: chat, url: url, count: 3)
            }
        }
        let t0 = Fixtures.epoch
        // Eight owners, each claiming three times at once; leases last a minute, so each line is claimed once.
        let claims = try await withThrowingTaskGroup(of: [OutboxEntry].self) { group in
            for owner in 0..<8 {
                group.addTask {
                    var mine: [OutboxEntry] = []
                    for _ in 0..<3 {
                        mine += try await store.claimOutboxEntries(now: t0, limit: 2, leaseFor: .seconds(60), owner: "owner-\(owner)")
                    }
                    return mine
                }
            }
            return try await group.reduce(into: [OutboxEntry]()) { $0 += $1 }
        }
        #expect(claims.count == 6, "one entry of each of the six lines")
        #expect(Set(claims.map(\.id)).count == claims.count, "no entry twice")
        #expect(Set(claims.map(Self.line)).count == claims.count, "no line twice")
        #expect(claims.allSatisfy { Self.text($0).hasSuffix(" 1") }, "the first entry of each line")
        #expect(try await store.claimOutboxEntries(now: t0.addingTimeInterval(59), limit: 100, leaseFor: .seconds(60), owner: "late").isEmpty)
    }

    @Test("a claimed line waits for its lease to expire; then another owner takes the entry over", arguments: StoreFactory.all)
    func leaseExpiry(factory: StoreFactory) async throws {
        let store = try await factory.makeStore()
        try await Self.queue(store, chat: "1@c.us", count: 2)
        try await Self.queue(store, chat: "2@c.us")
        let t0 = Fixtures.epoch
        let first = try await store.claimOutboxEntries(now: t0, limit: 1, leaseFor: .seconds(30), owner: "a")
        #expect(first.map(Self.text) == ["1@c.us 1"])
        let other = try await store.claimOutboxEntries(now: t0.addingTimeInterval(10), limit: 10, leaseFor: .seconds(30), owner: "b")
        #expect(other.map(Self.text) == ["2@c.us 1"], "another line goes; the leased line does not, nor the entry behind it")
        #expect(try await store.claimOutboxEntries(now: t0.addingTimeInterval(29.5), limit: 10, leaseFor: .seconds(30), owner: "c").isEmpty)

        let takenOver = try await store.claimOutboxEntries(now: t0.addingTimeInterval(30), limit: 10, leaseFor: .seconds(30), owner: "c")
        #expect(takenOver.map(\.id) == first.map(\.id), "the expired lease is taken over, the line's order kept")
        #expect(takenOver.first?.attempts == 0 && takenOver.first?.state == .pending)
    }

    @Test("a late result of an owner whose lease was taken over changes nothing; its new owner's result counts", arguments: StoreFactory.all)
    func lateResults(factory: StoreFactory) async throws {
        let store = try await factory.makeStore()
        try await Self.queue(store, chat: "1@c.us", count: 2)
        let t0 = Fixtures.epoch
        let entry = try #require(try await store.claimOutboxEntries(now: t0, limit: 10, leaseFor: .seconds(30), owner: "a").first)
        _ = try await store.claimOutboxEntries(now: t0.addingTimeInterval(31), limit: 10, leaseFor: .seconds(30), owner: "b")

        #expect(try await store.markDelivered(outboxIDs: [entry.id], owner: "a") == 0)
        #expect(try await store.reschedule(outboxID: entry.id, owner: "a", attempts: 1, at: t0.addingTimeInterval(99), error: "late") == false)
        #expect(try await store.deadLetter(outboxID: entry.id, owner: "a", attempts: 1, error: "late") == false)
        #expect(try await store.outboxStats(now: t0).pending == 2)
        #expect(try await store.deadLetters(limit: 10).isEmpty)
        #expect(
            try await store.claimOutboxEntries(now: t0.addingTimeInterval(40), limit: 10, leaseFor: .seconds(30), owner: "c").isEmpty,
            "still leased to b")

        #expect(try await store.reschedule(outboxID: entry.id, owner: "b", attempts: 1, at: t0.addingTimeInterval(50), error: "HTTP 503"))
        #expect(try await store.markDelivered(outboxIDs: [entry.id], owner: "a") == 0, "a rescheduled entry is leased to no one")
        #expect(try await store.markDelivered(outboxIDs: [entry.id], owner: "b") == 0, "nor to its last owner")
        let retry = try #require(
            try await store.claimOutboxEntries(now: t0.addingTimeInterval(50), limit: 10, leaseFor: .seconds(30), owner: "c").first)
        #expect(retry.id == entry.id && retry.attempts == 1 && retry.lastError == "HTTP 503")

        // A result counts whenever it lands while no other owner has claimed the entry since: the store does not ask
        // whether the lease has run out, only whose it is.
        #expect(try await store.markDelivered(outboxIDs: [entry.id], owner: "c") == 1)
        let next = try #require(
            try await store.claimOutboxEntries(now: t0.addingTimeInterval(60), limit: 10, leaseFor: .seconds(30), owner: "a").first)
        #expect(Self.text(next) == "1@c.us 2")
        #expect(try await store.deadLetter(outboxID: next.id, owner: "a", attempts: 1, error: "HTTP 410"))
        #expect(try await store.deadLetters(limit: 10).map(\.id) == [next.id])
    }

    @Test("events of a line go in order across claims and owners", arguments: StoreFactory.all)
    func orderAcrossOwners(factory: StoreFactory) async throws {
        let store = try await factory.makeStore()
        try await Self.queue(store, chat: "1@c.us", count: 5)
        var delivered: [String] = []
        var now = Fixtures.epoch
        for round in 0..<5 {
            let owner = round.isMultiple(of: 2) ? "a" : "b"
            let other = round.isMultiple(of: 2) ? "b" : "a"
            let claimed = try await store.claimOutboxEntries(now: now, limit: 10, leaseFor: .seconds(30), owner: owner)
            #expect(claimed.count == 1)
            #expect(try await store.claimOutboxEntries(now: now, limit: 10, leaseFor: .seconds(30), owner: other).isEmpty)
            if round == 2 {
                // This one fails once; the next claim, by the other owner, retries it before the rest.
                try await store.reschedule(outboxID: claimed[0].id, owner: owner, attempts: 1, at: now.addingTimeInterval(5), error: "HTTP 500")
                now = now.addingTimeInterval(5)
                let retry = try await store.claimOutboxEntries(now: now, limit: 10, leaseFor: .seconds(30), owner: other)
                #expect(retry.map(\.id) == claimed.map(\.id))
                try await store.markDelivered(outboxIDs: retry.map(\.id), owner: other)
            } else {
                try await store.markDelivered(outboxIDs: claimed.map(\.id), owner: owner)
            }
            delivered += claimed.map(Self.text)
            now = now.addingTimeInterval(1)
        }
        #expect(delivered == (1...5).map { "1@c.us \($0)" })
        #expect(try await store.outboxStats(now: now).pending == 0)
    }

    @Test("a dead letter replayed in front of a leased entry waits until the lease ends", arguments: StoreFactory.all)
    func replayBehindLease(factory: StoreFactory) async throws {
        let store = try await factory.makeStore()
        try await Self.queue(store, chat: "1@c.us", count: 2)
        let t0 = Fixtures.epoch
        let first = try #require(try await store.claimOutboxEntries(now: t0, limit: 10, leaseFor: .seconds(30), owner: "a").first)
        #expect(try await store.deadLetter(outboxID: first.id, owner: "a", attempts: 1, error: "HTTP 404"))
        let second = try #require(try await store.claimOutboxEntries(now: t0, limit: 10, leaseFor: .seconds(30), owner: "a").first)
        #expect(try await store.replayDeadLetters(ids: nil, now: t0) == 1)
        #expect(
            try await store.claimOutboxEntries(now: t0.addingTimeInterval(1), limit: 10, leaseFor: .seconds(30), owner: "b").isEmpty,
            "the line is leased")
        #expect(try await store.markDelivered(outboxIDs: [second.id], owner: "a") == 1)
        let replayed = try await store.claimOutboxEntries(now: t0.addingTimeInterval(2), limit: 10, leaseFor: .seconds(30), owner: "b")
        #expect(replayed.map(\.id) == [first.id])
    }
}
