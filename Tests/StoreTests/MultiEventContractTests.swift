import Foundation
import Store
import Testing

/// The store contract for inbound commits that queue several bodies per message, status or keyed event (the 1MSG
/// webhook's and the event sinks' CloudEvent), run against every store.
@Suite("Store contract: several events per inbound item")
struct MultiEventContractTests {
    static let hook = "http://a/hook"
    static let sink = "http://sink/events"

    /// A message, a status and a keyed event, each with a webhook body and a sink body, in chats of their own.
    static func commit(status: String = "delivered", rank: Int = 2) -> InboundCommit {
        InboundCommit(
            payload: [1], receivedAt: Fixtures.epoch,
            messages: [
                InboundMessageCommit(
                    message: Fixtures.message("in1", time: Fixtures.epoch),
                    events: [Fixtures.event("1@c.us", "msg", urls: [hook]), Fixtures.event("1@c.us", "ce msg", urls: [sink])])
            ],
            statuses: [
                StatusCommit(
                    channelID: "alpha", messageID: "out1", status: status, rank: rank, raw: Array(status.utf8),
                    events: [Fixtures.event("2@c.us", "ack \(status)", urls: [hook]), Fixtures.event("2@c.us", "ce \(status)", urls: [sink])])
            ],
            keyedEvents: [
                KeyedEventCommit(
                    channelID: "alpha", key: "template/1/APPROVED/1800000000",
                    events: [Fixtures.event("3@c.us", "call", urls: [hook]), Fixtures.event("3@c.us", "ce template", urls: [sink])])
            ])
    }

    @Test("every event of a new item is queued, each to its own URLs; a repeat queues nothing", arguments: StoreFactory.all)
    func everyEventQueued(factory: StoreFactory) async throws {
        let store = try await factory.makeStore()
        let first = try await store.commitInbound(Self.commit())
        #expect(first.newMessages == 1 && first.newStatuses == 1 && first.newKeyedEvents == 1)
        #expect(first.queuedDeliveries == 6)
        let due = try await store.claimDue(now: Fixtures.epoch)
        let byURL = Dictionary(grouping: due, by: \.url).mapValues { $0.map { String(decoding: $0.body, as: UTF8.self) }.sorted() }
        #expect(byURL[Self.hook] == ["ack delivered", "call", "msg"])
        #expect(byURL[Self.sink] == ["ce delivered", "ce msg", "ce template"])

        let again = try await store.commitInbound(Self.commit())
        #expect(again.duplicateMessages == 1 && again.duplicateStatuses == 1 && again.duplicateKeyedEvents == 1)
        #expect(again.queuedDeliveries == 0)
        #expect(try await store.outboxStats(now: Fixtures.epoch).pending == 6)
    }

    @Test("a status that would move the message backwards queues none of its events", arguments: StoreFactory.all)
    func neverBackwards(factory: StoreFactory) async throws {
        let store = try await factory.makeStore()
        try await store.commitInbound(Self.commit(status: "read", rank: 3))
        let late = try await store.commitInbound(
            InboundCommit(
                payload: [2], receivedAt: Fixtures.epoch,
                statuses: [
                    StatusCommit(
                        channelID: "alpha", messageID: "out1", status: "delivered", rank: 2, raw: Array("delivered".utf8),
                        events: [
                            Fixtures.event("2@c.us", "ack delivered", urls: [Self.hook]), Fixtures.event("2@c.us", "ce delivered", urls: [Self.sink]),
                        ])
                ]))
        #expect(late.newStatuses == 1 && late.queuedDeliveries == 0)
    }

    @Test("a message's events queue in order behind each other on one line", arguments: StoreFactory.all)
    func orderOnOneLine(factory: StoreFactory) async throws {
        let store = try await factory.makeStore()
        try await store.commitInbound(
            InboundCommit(
                payload: [1], receivedAt: Fixtures.epoch,
                messages: [
                    InboundMessageCommit(
                        message: Fixtures.message("in1", time: Fixtures.epoch),
                        events: [Fixtures.event("1@c.us", "first", urls: [Self.sink]), Fixtures.event("1@c.us", "second", urls: [Self.sink])])
                ]))
        let due = try await store.claimDue(now: Fixtures.epoch)
        #expect(due.map { String(decoding: $0.body, as: UTF8.self) } == ["first"])
        try await store.markDelivered(outboxIDs: due.map(\.id), owner: Fixtures.owner)
        #expect(try await store.dueBodies(now: Fixtures.epoch) == ["second"])
    }

    static func batchEvent(_ chat: String, _ text: String) -> QueuedEvent {
        QueuedEvent(channelID: "alpha", urls: [sink], chatID: chat, body: Array(#"{"e":"\#(text)"}"#.utf8), batch: true)
    }

    @Test("batch events of one commit go as one entry per chat and URL, holding only the new items' bodies", arguments: StoreFactory.all)
    func batches(factory: StoreFactory) async throws {
        let store = try await factory.makeStore()
        try await store.commitInbound(
            InboundCommit(
                payload: [1], receivedAt: Fixtures.epoch,
                messages: [InboundMessageCommit(message: Fixtures.message("old", time: Fixtures.epoch), events: [])]))
        let result = try await store.commitInbound(
            InboundCommit(
                payload: [2], receivedAt: Fixtures.epoch,
                messages: ["old", "m1", "m2"].map { id in
                    InboundMessageCommit(
                        message: Fixtures.message(id, time: Fixtures.epoch),
                        events: [Fixtures.event("1@c.us", "hook \(id)", urls: [Self.hook]), Self.batchEvent("1@c.us", id)])
                } + [
                    InboundMessageCommit(
                        message: Fixtures.message("other", chat: "2@c.us", time: Fixtures.epoch), events: [Self.batchEvent("2@c.us", "other")])
                ],
                statuses: [
                    StatusCommit(
                        channelID: "alpha", messageID: "out1", status: "read", rank: 3, raw: Array("read".utf8),
                        events: [Self.batchEvent("1@c.us", "read")])
                ]))
        #expect(result.newMessages == 3 && result.queuedDeliveries == 4, "two hook entries and one batch per chat")
        let sinkBodies = try await store.claimDue(now: Fixtures.epoch).filter { $0.url == Self.sink }
            .map { String(decoding: $0.body, as: UTF8.self) }.sorted()
        #expect(sinkBodies == [#"[{"e":"m1"},{"e":"m2"},{"e":"read"}]"#, #"[{"e":"other"}]"#])

        let again = try await store.commitInbound(
            InboundCommit(
                payload: [3], receivedAt: Fixtures.epoch,
                messages: [InboundMessageCommit(message: Fixtures.message("m1", time: Fixtures.epoch), events: [Self.batchEvent("1@c.us", "m1")])]))
        #expect(again.queuedDeliveries == 0, "a batch of nothing new is not queued")
    }
}
