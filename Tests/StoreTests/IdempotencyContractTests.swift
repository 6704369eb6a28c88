import Foundation
import Store
import Testing

/// The store contract for send idempotency keys, run against every store.
@Suite("Store contract: idempotency keys")
struct IdempotencyContractTests {
    static let reply = IdempotentReply(status: 200, body: Array(#"{"sent":true,"id":"wamid.ONE"}"#.utf8))

    @Test("a key is claimed once; its reply is repeated; another request with it conflicts; keys are per channel", arguments: StoreFactory.all)
    func claimAndReplay(factory: StoreFactory) async throws {
        let store = try await factory.makeStore()
        let now = Fixtures.epoch
        #expect(try await store.claimIdempotencyKey(channelID: "alpha", key: "k1", fingerprint: "f1", now: now) == .claimed)
        #expect(try await store.claimIdempotencyKey(channelID: "alpha", key: "k1", fingerprint: "f1", now: now) == .pending(since: now))
        #expect(try await store.claimIdempotencyKey(channelID: "alpha", key: "k1", fingerprint: "f2", now: now) == .conflict)
        #expect(try await store.claimIdempotencyKey(channelID: "beta", key: "k1", fingerprint: "f2", now: now) == .claimed)

        try await store.recordIdempotentReply(channelID: "alpha", key: "k1", reply: Self.reply)
        let later = now.addingTimeInterval(3600)
        #expect(try await store.claimIdempotencyKey(channelID: "alpha", key: "k1", fingerprint: "f1", now: later) == .answered(Self.reply))
        #expect(try await store.claimIdempotencyKey(channelID: "alpha", key: "k1", fingerprint: "f9", now: later) == .conflict)
        try await store.releaseIdempotencyKey(channelID: "alpha", key: "k1")
        #expect(
            try await store.claimIdempotencyKey(channelID: "alpha", key: "k1", fingerprint: "f1", now: later) == .answered(Self.reply),
            "a key with a reply is never released")
    }

    @Test("a released key may be claimed again; a key older than 24 hours is new", arguments: StoreFactory.all)
    func releaseAndExpiry(factory: StoreFactory) async throws {
        let store = try await factory.makeStore()
        let now = Fixtures.epoch
        #expect(try await store.claimIdempotencyKey(channelID: "alpha", key: "k1", fingerprint: "f1", now: now) == .claimed)
        try await store.releaseIdempotencyKey(channelID: "alpha", key: "k1")
        #expect(try await store.claimIdempotencyKey(channelID: "alpha", key: "k1", fingerprint: "f2", now: now) == .claimed)
        try await store.recordIdempotentReply(channelID: "alpha", key: "k1", reply: Self.reply)

        let nextDay = now.addingTimeInterval(IdempotencyKeys.lifetime + 1)
        #expect(try await store.claimIdempotencyKey(channelID: "alpha", key: "k1", fingerprint: "f3", now: nextDay) == .claimed)
        #expect(try await store.claimIdempotencyKey(channelID: "alpha", key: "k1", fingerprint: "f3", now: nextDay) == .pending(since: nextDay))
    }

    @Test("many claims of one key at once: exactly one is claimed", arguments: StoreFactory.all)
    func concurrentClaims(factory: StoreFactory) async throws {
        let store = try await factory.makeStore()
        let claims = try await withThrowingTaskGroup(of: IdempotencyClaim.self) { group in
            for _ in 0..<8 {
                group.addTask { try await store.claimIdempotencyKey(channelID: "alpha", key: "race", fingerprint: "f", now: Fixtures.epoch) }
            }
            return try await group.reduce(into: [IdempotencyClaim]()) { $0.append($1) }
        }
        #expect(claims.filter { $0 == .claimed }.count == 1)
        #expect(claims.filter { $0 == .pending(since: Fixtures.epoch) }.count == 7)
    }
}
