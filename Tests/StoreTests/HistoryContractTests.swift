import Foundation
import Store
import Testing

/// The store contract for the message history and Meta's inbound webhooks, run against every store.
@Suite("Store contract: history and inbound")
struct HistoryContractTests {
    @Test("messages are numbered per channel and a repeated wamid is kept once", arguments: StoreFactory.all)
    func messageNumbers(factory: StoreFactory) async throws {
        let store = try await factory.makeStore()
        func message(_ channel: String, _ id: String) -> StoredMessage {
            StoredMessage(channelID: channel, id: id, chatID: "1@c.us", fromMe: true, type: "chat", body: "b", quotedMsgID: nil, time: Date())
        }
        #expect(try await store.recordMessage(message("a", "w1")) == 1)
        #expect(try await store.recordMessage(message("a", "w2")) == 2)
        #expect(try await store.recordMessage(message("b", "w3")) == 1)
        #expect(try await store.recordMessage(message("a", "w1")) == 1, "a repeated wamid answers its first number")
        #expect(try await store.allMessages(channelID: "a").map(\.id) == ["w1", "w2"])
    }

    @Test("a message recorded twice queues its events once", arguments: StoreFactory.all)
    func repeatedMessageQueuesNothing(factory: StoreFactory) async throws {
        let store = try await factory.makeStore()
        let message = Fixtures.message("w1", fromMe: true, time: Fixtures.epoch)
        try await store.recordMessage(message, events: [Fixtures.event("1@c.us", "echo", urls: ["http://a/hook"])])
        try await store.recordMessage(message, events: [Fixtures.event("1@c.us", "echo again", urls: ["http://a/hook"])])
        #expect(try await store.outboxStats(now: Fixtures.epoch).pending == 1)
        #expect(try await store.dueBodies(now: Fixtures.epoch) == ["echo"])
    }

    @Test("a history message reads back with every field", arguments: StoreFactory.all)
    func messageRoundTrip(factory: StoreFactory) async throws {
        let store = try await factory.makeStore()
        let message = StoredMessage(
            channelID: "alpha", id: "wamid.1", chatID: "CO.1726691741709890@lid", fromMe: true, type: "image",
            body: "https://bridge/media/1", quotedMsgID: "wamid.0", time: Fixtures.epoch, event: Array(#"{"id":"wamid.1"}"#.utf8))
        try await store.recordMessage(message)
        let plain = Fixtures.message("wamid.2", time: Fixtures.epoch.addingTimeInterval(1))
        try await store.recordMessage(plain)
        #expect(try await store.allMessages(channelID: "alpha") == [message, plain])
    }

    @Test("GET /messages filters: numbers, chat, time, wamid, order and limit", arguments: StoreFactory.all)
    func historyQueries(factory: StoreFactory) async throws {
        let store = try await factory.makeStore()
        for number in 1...6 {
            let chat = number.isMultiple(of: 2) ? "2@c.us" : "1@c.us"
            try await store.recordMessage(
                Fixtures.message("w\(number)", chat: chat, time: Fixtures.epoch.addingTimeInterval(Double(number) * 60)))
        }
        try await store.recordMessage(Fixtures.message("other", channel: "beta", time: Fixtures.epoch))
        func ids(_ change: (inout HistoryQuery) -> Void) async throws -> [String] {
            var query = HistoryQuery()
            change(&query)
            return try await store.history(channelID: "alpha", query: query).map(\.message.id)
        }

        #expect(try await ids { _ in } == ["w1", "w2", "w3", "w4", "w5", "w6"])
        #expect(try await store.history(channelID: "alpha", query: HistoryQuery()).map(\.messageNumber) == [1, 2, 3, 4, 5, 6])
        #expect(try await ids { $0.afterMessageNumber = 4 } == ["w5", "w6"])
        #expect(try await ids { $0.fromMessageNumber = 4 } == ["w4", "w5", "w6"])
        #expect(try await ids { $0.chatID = "2@c.us" } == ["w2", "w4", "w6"])
        #expect(try await ids { $0.minTime = Fixtures.epoch.addingTimeInterval(180) } == ["w3", "w4", "w5", "w6"])
        #expect(try await ids { $0.maxTime = Fixtures.epoch.addingTimeInterval(180) } == ["w1", "w2", "w3"])
        #expect(try await ids { $0.messageID = "w5" } == ["w5"])
        #expect(try await ids { $0.last = true } == ["w6", "w5", "w4", "w3", "w2", "w1"])
        #expect(
            try await ids {
                $0.last = true
                $0.limit = 2
            } == ["w6", "w5"])
        #expect(try await ids { $0.limit = 2 } == ["w1", "w2"])
        #expect(try await ids { $0.limit = 0 }.isEmpty)
        #expect(
            try await ids {
                $0.chatID = "1@c.us"
                $0.afterMessageNumber = 1
                $0.last = true
            } == ["w5", "w3"])
        #expect(try await store.history(channelID: "nope", query: HistoryQuery()).isEmpty)
    }

    @Test("an inbound commit drops duplicate messages and statuses, and never pushes an ack backwards", arguments: StoreFactory.all)
    func inboundCommit(factory: StoreFactory) async throws {
        let store = try await factory.makeStore()
        func status(_ id: String, _ status: String, _ rank: Int) -> StatusCommit {
            StatusCommit(
                channelID: "alpha", messageID: id, status: status, rank: rank, raw: Array(status.utf8),
                event: Fixtures.event("1@c.us", "ack \(status)", urls: ["http://a/hook"]))
        }
        let first = try await store.commitInbound(
            InboundCommit(
                payload: [1], receivedAt: Date(),
                messages: [InboundMessageCommit(message: Fixtures.message("in1"), event: Fixtures.event("1@c.us", "msg", urls: ["http://a/hook"]))],
                statuses: [status("out1", "sent", 1), status("out1", "read", 3)]))
        #expect(first.newMessages == 1 && first.newStatuses == 2 && first.queuedDeliveries == 3)

        let again = try await store.commitInbound(
            InboundCommit(
                payload: [1], receivedAt: Date(),
                messages: [InboundMessageCommit(message: Fixtures.message("in1"), event: Fixtures.event("1@c.us", "msg", urls: ["http://a/hook"]))],
                statuses: [status("out1", "read", 3), status("out1", "delivered", 2)]))
        #expect(again.duplicateMessages == 1 && again.duplicateStatuses == 1)
        #expect(again.newStatuses == 1, "the late delivered is kept for /hookInfo")
        #expect(again.queuedDeliveries == 0, "but not pushed after read")
        #expect(
            try await store.statuses(channelID: "alpha", messageID: "out1").map { String(decoding: $0, as: UTF8.self) }
                == ["sent", "read", "delivered"])
        #expect(try await store.recentInboundPayloads(limit: 5).count == 2)
    }

    @Test("usernames from inbound webhooks resolve to business-scoped ids per channel; the newest webhook wins", arguments: StoreFactory.all)
    func usernames(factory: StoreFactory) async throws {
        let store = try await factory.makeStore()
        let ann = CustomerIdentity(channelID: "alpha", username: "ann.lee", businessScopedUserID: "US.1001")
        try await store.commitInbound(InboundCommit(payload: [1], receivedAt: Fixtures.epoch, identities: [ann]))
        #expect(try await store.businessScopedUserID(username: "ann.lee", channelID: "alpha") == "US.1001")
        #expect(try await store.businessScopedUserID(username: "ann.lee", channelID: "beta") == nil, "usernames are per channel")
        #expect(try await store.businessScopedUserID(username: "nobody", channelID: "alpha") == nil)

        var moved = ann
        moved.businessScopedUserID = "US.2002"
        try await store.commitInbound(InboundCommit(payload: [2], receivedAt: Fixtures.epoch.addingTimeInterval(60), identities: [moved]))
        #expect(try await store.businessScopedUserID(username: "ann.lee", channelID: "alpha") == "US.2002")
    }

    @Test("GET /messages?chatId=<BSUID>@lid finds the customer's messages, also those in their numbered chat", arguments: StoreFactory.all)
    func historyByBusinessScopedID(factory: StoreFactory) async throws {
        let store = try await factory.makeStore()
        var numbered = Fixtures.message("wamid.N", time: Fixtures.epoch)
        numbered.chatID = "12020721369@c.us"
        numbered.businessScopedUserID = "US.1001"
        var hidden = Fixtures.message("wamid.H", time: Fixtures.epoch.addingTimeInterval(1))
        hidden.chatID = "US.1001@lid"
        var other = Fixtures.message("wamid.O", time: Fixtures.epoch.addingTimeInterval(2))
        other.chatID = "15550001111@c.us"
        for message in [numbered, hidden, other] { try await store.recordMessage(message) }
        var query = HistoryQuery()
        query.chatID = "US.1001@lid"
        #expect(try await store.history(channelID: numbered.channelID, query: query).map(\.message.id) == ["wamid.N", "wamid.H"])
        #expect(try await store.history(channelID: numbered.channelID, query: query).first?.message.businessScopedUserID == "US.1001")
        query.chatID = "12020721369@c.us"
        #expect(try await store.history(channelID: numbered.channelID, query: query).map(\.message.id) == ["wamid.N"])
    }

    @Test("every inbound payload is kept as received, newest first", arguments: StoreFactory.all)
    func inboundPayloads(factory: StoreFactory) async throws {
        let store = try await factory.makeStore()
        for byte: UInt8 in [1, 2, 3] {
            try await store.commitInbound(
                InboundCommit(
                    payload: [byte, 0xFF, 0], receivedAt: Fixtures.epoch, unroutablePhoneNumberIDs: byte == 2 ? ["999", "998"] : []))
        }
        #expect(try await store.recentInboundPayloads(limit: 2) == [[3, 0xFF, 0], [2, 0xFF, 0]])
        #expect(try await store.recentInboundPayloads(limit: 10).count == 3)
    }

    @Test("inbound and sent messages share the history; a known wamid is dropped either way", arguments: StoreFactory.all)
    func inboundJoinsHistory(factory: StoreFactory) async throws {
        let store = try await factory.makeStore()
        try await store.recordMessage(Fixtures.message("sent1", fromMe: true, time: Fixtures.epoch))
        let result = try await store.commitInbound(
            InboundCommit(
                payload: [1], receivedAt: Fixtures.epoch,
                messages: [
                    InboundMessageCommit(message: Fixtures.message("in1", time: Fixtures.epoch), event: Fixtures.event("1@c.us", "in1")),
                    InboundMessageCommit(
                        message: Fixtures.message("sent1", fromMe: true, time: Fixtures.epoch), event: Fixtures.event("1@c.us", "echo")),
                    InboundMessageCommit(message: Fixtures.message("in2", time: Fixtures.epoch), event: nil),
                ]))
        #expect(result.newMessages == 2 && result.duplicateMessages == 1)
        #expect(result.queuedDeliveries == 2, "one event, two URLs; the duplicate and the event-less message queue nothing")
        #expect(try await store.history(channelID: "alpha", query: HistoryQuery()).map(\.messageNumber) == [1, 2, 3])
        #expect(try await store.allMessages(channelID: "alpha").map(\.id) == ["sent1", "in1", "in2"])
        #expect(try await store.dueBodies(now: Fixtures.epoch) == ["in1", "in1"])
    }

    @Test("statuses without an event are kept; raw events are queued as they come, duplicates included", arguments: StoreFactory.all)
    func statusesAndRawEvents(factory: StoreFactory) async throws {
        let store = try await factory.makeStore()
        let quiet = StatusCommit(channelID: "alpha", messageID: "out1", status: "sent", rank: 1, raw: Array("sent".utf8), event: nil)
        let raw = Fixtures.event("1@c.us", "raw change", urls: ["http://raw/hook"])
        let first = try await store.commitInbound(InboundCommit(payload: [1], receivedAt: Fixtures.epoch, statuses: [quiet], rawEvents: [raw]))
        let second = try await store.commitInbound(InboundCommit(payload: [1], receivedAt: Fixtures.epoch, statuses: [quiet], rawEvents: [raw]))
        #expect(first.newStatuses == 1 && first.queuedDeliveries == 1)
        #expect(second.duplicateStatuses == 1 && second.queuedDeliveries == 1)
        #expect(try await store.statuses(channelID: "alpha", messageID: "out1") == [Array("sent".utf8)])
        #expect(try await store.dueBodies(now: Fixtures.epoch) == ["raw change"], "the second waits behind the first")
        #expect(try await store.outboxStats(now: Fixtures.epoch).pending == 2)
    }

    @Test("statuses are kept per channel and message; statistics read them by receipt time in [start, end)", arguments: StoreFactory.all)
    func statusesByTime(factory: StoreFactory) async throws {
        let store = try await factory.makeStore()
        func commit(_ channel: String, _ message: String, _ status: String, rank: Int, at minute: Double) async throws {
            let status = StatusCommit(
                channelID: channel, messageID: message, status: status, rank: rank, raw: Array("\(channel) \(message) \(status)".utf8), event: nil)
            try await store.commitInbound(InboundCommit(payload: [0], receivedAt: Fixtures.epoch.addingTimeInterval(minute * 60), statuses: [status]))
        }
        try await commit("alpha", "m1", "sent", rank: 1, at: 0)
        try await commit("alpha", "m1", "delivered", rank: 2, at: 1)
        try await commit("alpha", "m2", "sent", rank: 1, at: 2)
        try await commit("beta", "m1", "sent", rank: 1, at: 1)

        func texts(_ raws: [[UInt8]]) -> Set<String> { Set(raws.map { String(decoding: $0, as: UTF8.self) }) }
        let window = try await store.statuses(
            channelID: "alpha", receivedFrom: Fixtures.epoch.addingTimeInterval(60), to: Fixtures.epoch.addingTimeInterval(120))
        #expect(texts(window) == ["alpha m1 delivered"], "the start is in, the end is out, other channels are out")
        let all = try await store.statuses(channelID: "alpha", receivedFrom: Fixtures.epoch, to: Fixtures.epoch.addingTimeInterval(3600))
        #expect(texts(all) == ["alpha m1 sent", "alpha m1 delivered", "alpha m2 sent"])
        #expect(try await store.statuses(channelID: "beta", messageID: "m1").map { String(decoding: $0, as: UTF8.self) } == ["beta m1 sent"])
        #expect(try await store.statuses(channelID: "alpha", messageID: "m3").isEmpty)
    }
}
