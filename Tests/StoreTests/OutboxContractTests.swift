import Foundation
import Store
import Testing

/// The store contract for the webhook outbox, run against every store.
@Suite("Store contract: outbox")
struct OutboxContractTests {
    @Test("an event queued for one attempt (guaranteedHooks off) gets the whole retry budget when replayed", arguments: StoreFactory.all)
    func replayClearsSingleAttempt(factory: StoreFactory) async throws {
        let store = try await factory.makeStore()
        var event = Fixtures.event("1@c.us", "once", urls: ["http://a/hook"])
        event.singleAttempt = true
        try await store.recordMessage(Fixtures.message("w9"), events: [event])
        let entry = try #require(try await store.claimDue(now: Date().addingTimeInterval(60), limit: 10).first)
        #expect(entry.singleAttempt)
        try await store.deadLetter(outboxID: entry.id, owner: Fixtures.owner, attempts: 1, error: "HTTP 500")
        #expect(try await store.replayDeadLetters(ids: nil, now: Date()) == 1)
        let replayed = try #require(try await store.claimDue(now: Date().addingTimeInterval(60), limit: 10).first)
        #expect(!replayed.singleAttempt)
    }

    @Test("one row per URL; only the first pending entry of each (channel, URL, chat) is due", arguments: StoreFactory.all)
    func perChatOrder(factory: StoreFactory) async throws {
        let store = try await factory.makeStore()
        // Entries are due from when they were queued; a minute of margin keeps a loaded machine from racing it.
        let now = Date()
        try await store.recordMessage(Fixtures.message("w1"), events: [Fixtures.event("1@c.us", "first")])
        try await store.recordMessage(Fixtures.message("w2"), events: [Fixtures.event("1@c.us", "second")])
        try await store.recordMessage(Fixtures.message("w3"), events: [Fixtures.event("2@c.us", "other chat")])
        var due = try await store.claimDue(now: now.addingTimeInterval(60), limit: 100)
        #expect(due.map { String(decoding: $0.body, as: UTF8.self) } == ["first", "first", "other chat", "other chat"])

        // The first entry for URL a fails and waits: the second of that chat must wait behind it.
        let firstA = try #require(due.first { $0.url == "http://a/hook" })
        try await store.reschedule(outboxID: firstA.id, owner: Fixtures.owner, attempts: 1, at: now.addingTimeInterval(3600), error: "HTTP 500")
        due = try await store.claimDue(now: now.addingTimeInterval(60), limit: 100)
        #expect(!due.contains { $0.url == "http://a/hook" && $0.chatID == "1@c.us" })
        #expect(due.contains { $0.url == "http://b/hook" && String(decoding: $0.body, as: UTF8.self) == "first" })

        // Delivered entries leave the line; a dead letter lets the next one through. Results are written by the
        // owner of a claim, so the retry is claimed first (times go forward from here: these claims lease until then).
        let later = now.addingTimeInterval(3600)
        #expect(try await store.claimDue(now: later).contains { $0.id == firstA.id })
        try await store.deadLetter(outboxID: firstA.id, owner: Fixtures.owner, attempts: 2, error: "HTTP 404: refused by the receiver")
        due = try await store.claimDue(now: later, limit: 100)
        #expect(due.contains { $0.url == "http://a/hook" && String(decoding: $0.body, as: UTF8.self) == "second" })
        #expect(try await store.deadLetters(limit: 10).map(\.id) == [firstA.id])
        #expect(try await store.outboxStats(now: now).dead == 1)

        #expect(try await store.replayDeadLetters(ids: [firstA.id], now: now) == 1)
        #expect(try await store.deadLetters(limit: 10).isEmpty)
        try await store.markDelivered(outboxIDs: try await store.claimDue(now: later, limit: 100).map(\.id), owner: Fixtures.owner)
        #expect(try await store.outboxStats(now: now).pending == 2, "the second events of chat 1 wait behind the replayed first")
    }

    @Test("lines are per channel, URL and chat; due entries come oldest first, up to the limit", arguments: StoreFactory.all)
    func linesAndLimit(factory: StoreFactory) async throws {
        let store = try await factory.makeStore()
        let t0 = Fixtures.epoch
        try await store.recordMessage(Fixtures.message("a1", time: t0), events: [Fixtures.event("1@c.us", "alpha 1", urls: ["http://a/hook"])])
        try await store.recordMessage(
            Fixtures.message("b1", channel: "beta", time: t0),
            events: [Fixtures.event("1@c.us", "beta 1", urls: ["http://a/hook"], channel: "beta")])
        try await store.recordMessage(Fixtures.message("a2", time: t0), events: [Fixtures.event("1@c.us", "alpha 2", urls: ["http://a/hook"])])
        try await store.recordMessage(Fixtures.message("a3", time: t0), events: [Fixtures.event("3@c.us", "alpha 3", urls: ["http://a/hook"])])

        #expect(try await store.dueBodies(now: t0) == ["alpha 1", "beta 1", "alpha 3"], "another channel's line does not wait")
        #expect(try await store.dueBodies(now: t0, limit: 2) == ["alpha 1", "beta 1"])
        #expect(try await store.dueBodies(now: t0.addingTimeInterval(-1)).isEmpty, "nothing is due before it was queued")

        let first = try #require(try await store.claimDue(now: t0, limit: 1).first)
        try await store.markDelivered(outboxIDs: [first.id], owner: Fixtures.owner)
        #expect(try await store.dueBodies(now: t0) == ["beta 1", "alpha 2", "alpha 3"])
    }

    @Test("a queued entry carries its event; reschedule records the attempt and keeps its place", arguments: StoreFactory.all)
    func entryFieldsAndReschedule(factory: StoreFactory) async throws {
        let store = try await factory.makeStore()
        let t0 = Fixtures.epoch
        try await store.recordMessage(Fixtures.message("w1", time: t0), events: [Fixtures.event("7@c.us", "hello", urls: ["http://a/hook"])])
        let entry = try #require(try await store.claimDue(now: t0, limit: 10).first)
        #expect(entry.channelID == "alpha" && entry.url == "http://a/hook" && entry.chatID == "7@c.us")
        #expect(entry.body == Array("hello".utf8))
        #expect(entry.attempts == 0 && entry.lastError == nil && entry.state == .pending && !entry.singleAttempt)
        #expect(entry.queuedAt == t0 && entry.nextAttemptAt == t0)

        try await store.reschedule(outboxID: entry.id, owner: Fixtures.owner, attempts: 3, at: t0.addingTimeInterval(30), error: "HTTP 503")
        #expect(try await store.claimDue(now: t0.addingTimeInterval(29), limit: 10).isEmpty)
        let retried = try #require(try await store.claimDue(now: t0.addingTimeInterval(30), limit: 10).first)
        #expect(retried.id == entry.id && retried.attempts == 3 && retried.lastError == "HTTP 503")
        #expect(retried.nextAttemptAt == t0.addingTimeInterval(30) && retried.queuedAt == t0 && retried.state == .pending)
    }

    @Test("the next due date is the earliest pending one; dead letters do not count", arguments: StoreFactory.all)
    func nextDueDate(factory: StoreFactory) async throws {
        let store = try await factory.makeStore()
        let t0 = Fixtures.epoch
        #expect(try await store.nextOutboxDueDate() == nil)
        try await store.recordMessage(Fixtures.message("w1", time: t0), events: [Fixtures.event("1@c.us", "one", urls: ["http://a/hook"])])
        try await store.recordMessage(
            Fixtures.message("w2", time: t0.addingTimeInterval(10)), events: [Fixtures.event("2@c.us", "two", urls: ["http://a/hook"])])
        #expect(try await store.nextOutboxDueDate() == t0)

        let first = try #require(try await store.claimDue(now: t0, limit: 10).first)
        try await store.reschedule(outboxID: first.id, owner: Fixtures.owner, attempts: 1, at: t0.addingTimeInterval(60), error: "timeout")
        #expect(try await store.nextOutboxDueDate() == t0.addingTimeInterval(10))
        let second = try #require(try await store.claimDue(now: t0.addingTimeInterval(10), limit: 10).first)
        try await store.deadLetter(outboxID: second.id, owner: Fixtures.owner, attempts: 1, error: "HTTP 410")
        #expect(try await store.nextOutboxDueDate() == t0.addingTimeInterval(60))
        #expect(try await store.claimDue(now: t0.addingTimeInterval(60)).map(\.id) == [first.id])
        try await store.markDelivered(outboxIDs: [first.id], owner: Fixtures.owner)
        #expect(try await store.nextOutboxDueDate() == nil)
    }

    @Test("expediting a URL makes its waiting entries due now, and only that URL's", arguments: StoreFactory.all)
    func expedite(factory: StoreFactory) async throws {
        let store = try await factory.makeStore()
        let t0 = Fixtures.epoch
        try await store.recordMessage(
            Fixtures.message("w1", time: t0), events: [Fixtures.event("1@c.us", "one", urls: ["http://down/hook", "http://up/hook"])])
        try await store.recordMessage(Fixtures.message("w2", time: t0), events: [Fixtures.event("2@c.us", "two", urls: ["http://down/hook"])])
        for entry in try await store.claimDue(now: t0) {
            try await store.reschedule(outboxID: entry.id, owner: Fixtures.owner, attempts: 3, at: t0.addingTimeInterval(600), error: "down")
        }
        let now = t0.addingTimeInterval(30)
        #expect(try await store.claimDue(now: now).isEmpty)
        #expect(try await store.expediteDeliveries(to: "http://down/hook", now: now) == 2)
        let due = try await store.claimDue(now: now)
        #expect(Set(due.map(\.url)) == ["http://down/hook"] && due.count == 2)
        #expect(due.allSatisfy { $0.attempts == 3 }, "attempts are kept")
        #expect(try await store.expediteDeliveries(to: "http://down/hook", now: now) == 0, "nothing waits past now any more")
    }

    @Test("dead letters: oldest first, out of line, replayed by id or all with a fresh budget", arguments: StoreFactory.all)
    func deadLettersAndReplay(factory: StoreFactory) async throws {
        let store = try await factory.makeStore()
        let t0 = Fixtures.epoch
        for number in 1...4 {
            try await store.recordMessage(
                Fixtures.message("w\(number)", time: t0),
                events: [Fixtures.event("\(number)@c.us", "event \(number)", urls: ["http://a/hook"])])
        }
        let entries = try await store.claimDue(now: t0, limit: 10)
        #expect(entries.count == 4)
        for entry in entries.prefix(3).reversed() {
            try await store.deadLetter(outboxID: entry.id, owner: Fixtures.owner, attempts: 5, error: "HTTP 500 for \(entry.chatID)")
        }
        let dead = try await store.deadLetters(limit: 10)
        #expect(dead.map(\.id) == entries.prefix(3).map(\.id), "oldest first, whatever the order they died in")
        #expect(dead.allSatisfy { $0.state == .dead && $0.attempts == 5 })
        #expect(dead.first?.lastError == "HTTP 500 for 1@c.us")
        #expect(try await store.deadLetters(limit: 2).count == 2)
        #expect(try await store.dueBodies(now: t0.addingTimeInterval(3600)) == ["event 4"])

        let later = t0.addingTimeInterval(7200)
        #expect(
            try await store.replayDeadLetters(ids: [entries[1].id, entries[3].id, 999_999], now: later) == 1,
            "only dead letters are replayed: a pending id and an unknown id count for nothing")
        let replayed = try #require(try await store.claimDue(now: later, limit: 10).first { $0.id == entries[1].id })
        #expect(replayed.attempts == 0 && replayed.lastError == nil && replayed.state == .pending)
        #expect(replayed.queuedAt == later && replayed.nextAttemptAt == later)
        #expect(try await store.deadLetters(limit: 10).map(\.id) == [entries[0].id, entries[2].id])

        #expect(try await store.replayDeadLetters(ids: nil, now: later) == 2)
        #expect(try await store.deadLetters(limit: 10).isEmpty)
        #expect(try await store.replayDeadLetters(ids: nil, now: later) == 0)
        #expect(try await store.claimDue(now: later, limit: 10).count == 4)
    }

    @Test("outbox stats count pending and dead entries and age the oldest pending one", arguments: StoreFactory.all)
    func stats(factory: StoreFactory) async throws {
        let store = try await factory.makeStore()
        let t0 = Fixtures.epoch
        #expect(try await store.outboxStats(now: t0) == OutboxStats(pending: 0, dead: 0, oldestPendingAge: 0))
        try await store.recordMessage(Fixtures.message("w1", time: t0), events: [Fixtures.event("1@c.us", "one")])
        try await store.recordMessage(Fixtures.message("w2", time: t0.addingTimeInterval(30)), events: [Fixtures.event("2@c.us", "two")])
        #expect(try await store.outboxStats(now: t0.addingTimeInterval(100)) == OutboxStats(pending: 4, dead: 0, oldestPendingAge: 100))
        #expect(try await store.outboxStats(now: t0.addingTimeInterval(-5)).oldestPendingAge == 0, "never negative")

        let firstEvent = try await store.claimDue(now: t0, limit: 10).filter { $0.queuedAt == t0 }
        #expect(firstEvent.count == 2)
        try await store.deadLetter(outboxID: firstEvent[0].id, owner: Fixtures.owner, attempts: 1, error: "HTTP 500")
        try await store.markDelivered(outboxIDs: [firstEvent[1].id], owner: Fixtures.owner)
        #expect(try await store.outboxStats(now: t0.addingTimeInterval(100)) == OutboxStats(pending: 2, dead: 1, oldestPendingAge: 70))
        try await store.markDelivered(outboxIDs: [], owner: Fixtures.owner)
        #expect(try await store.outboxStats(now: t0.addingTimeInterval(100)).pending == 2)
    }
}
