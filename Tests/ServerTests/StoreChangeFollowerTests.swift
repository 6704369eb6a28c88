import Delivery
import Logging
import OneMsg
import Store
import Synchronization
import Testing

@testable import Server

/// What an instance does with the changes other instances announce.
@Suite("Changes from other instances")
struct StoreChangeFollowerTests {
    @Test("a templates change drops that channel's cached list only; a resync drops every list and wakes the dispatcher")
    func templatesAndResync() async throws {
        let catalog = TemplateCatalog(refreshInterval: .seconds(3600))
        let store = try SQLiteStore.inMemory()
        let follower = StoreChangeFollower(
            store: store, signal: DeliverySignal(), templates: catalog, channels: ChannelDirectory(store: store),
            logger: Logger(label: "test"))
        let reads = Mutex([String: Int]())
        /// The channel's list as the catalog serves it: "read N" names the Nth read from Meta.
        @Sendable func list(_ channel: ChannelRecord) async throws -> String {
            try await catalog.items(for: channel) {
                let count = reads.withLock { reads in
                    reads[channel.id, default: 0] += 1
                    return reads[channel.id]!
                }
                return [
                    TemplateItem(
                        id: nil, name: "read \(count)", language: "en", category: "UTILITY", status: "approved",
                        rejected_reason: "NONE", components: [], namespace: "")
                ]
            }.map(\.name).joined()
        }
        #expect(try await list(TestWorld.alpha) == "read 1")
        #expect(try await list(TestWorld.beta) == "read 1")
        #expect(try await list(TestWorld.alpha) == "read 1", "served from the cache")

        await follower.apply(.templates(channelID: "alpha"))
        #expect(try await list(TestWorld.alpha) == "read 2")
        #expect(try await list(TestWorld.beta) == "read 1", "another channel's list stays")

        await follower.apply(.channel(id: "beta"))
        #expect(try await list(TestWorld.beta) == "read 1", "channel changes do not touch template lists")
        await follower.apply(.resync)
        #expect(try await list(TestWorld.alpha) == "read 3")
        #expect(try await list(TestWorld.beta) == "read 2")
    }

    @Test("queued events elsewhere wake this instance's dispatcher", .timeLimit(.minutes(1)))
    func outboxWakesTheDispatcher() async throws {
        let signal = DeliverySignal()
        let store = try SQLiteStore.inMemory()
        let follower = StoreChangeFollower(
            store: store, signal: signal, templates: TemplateCatalog(refreshInterval: .seconds(1)),
            channels: ChannelDirectory(store: store), logger: Logger(label: "test"))
        await follower.apply(.outboxQueued)
        // Returns at once only because the change left a wake-up (the time limit fails the test otherwise).
        await signal.wait(timeout: .seconds(3600))
    }
}
