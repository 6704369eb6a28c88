import Foundation
import Store
import Testing

/// Changes between instances on one PostgreSQL database: what one store writes or announces reaches another
/// store's follower once committed.
@Suite("Store changes between instances")
struct PostgresChangeTests {
    @Test("a change survives its NOTIFY payload; payloads of unknown kinds are ignored")
    func payloads() {
        for change in [StoreChange.outboxQueued, .resync, .channel(id: "alpha"), .templates(channelID: "a:b")] {
            #expect(StoreChange(payload: change.payload) == change)
        }
        for payload in ["", "outbox:x", "channel", "channel:", "webhooks:alpha", "resync:now"] {
            #expect(StoreChange(payload: payload) == nil)
        }
        #expect(SQLiteStoreChangesProbe.announces == false)
    }

    @Test(
        "queued events, replayed dead letters, channel changes and announcements reach another instance's follower",
        .enabled(if: PostgresTestServer.adminURL != nil), .timeLimit(.minutes(1)))
    func changesReachTheOtherInstance() async throws {
        let configuration = try await PostgresTestServer.makeDatabase()
        let writer = PostgresStore(configuration: configuration)
        let follower = PostgresStore(configuration: configuration)
        try await writer.migrate()
        let (changes, continuation) = AsyncStream.makeStream(of: StoreChange.self)
        let following = Task { try await follower.followChanges { continuation.yield($0) } }
        defer { following.cancel() }
        var received = changes.makeAsyncIterator()
        #expect(await received.next() == .resync)

        try await writer.addChannel(Fixtures.channel("alpha", phoneNumberID: "111", token: "token-alpha-0001"))
        #expect(await received.next() == .channel(id: "alpha"))
        try await writer.recordMessage(Fixtures.message("quiet"))  // no events: nothing to announce
        try await writer.recordMessage(Fixtures.message("loud"), events: [Fixtures.event("1@c.us", "one")])
        #expect(await received.next() == .outboxQueued)
        try await writer.replaceTokenHash(channelID: "alpha", tokenHash: ChannelToken.hash("token-alpha-0002"))
        #expect(await received.next() == .channel(id: "alpha"))
        try await writer.announce(.templates(channelID: "alpha"))
        #expect(await received.next() == .templates(channelID: "alpha"))

        let due = try await writer.claimDue(now: Date().addingTimeInterval(1))
        for entry in due { #expect(try await writer.deadLetter(outboxID: entry.id, owner: Fixtures.owner, attempts: 1, error: "down")) }
        #expect(try await writer.replayDeadLetters(ids: nil, now: Date()) == 2)
        #expect(await received.next() == .outboxQueued)
        #expect(try await writer.removeChannel(id: "alpha"))
        #expect(await received.next() == .channel(id: "alpha"))
    }
}

/// What the embedded store says about announcing (the default: nothing to follow).
private enum SQLiteStoreChangesProbe {
    static var announces: Bool { (try? SQLiteStore.inMemory().announcesChanges) ?? true }
}
