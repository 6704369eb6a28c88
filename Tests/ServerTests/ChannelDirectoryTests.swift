import Foundation
import Logging
import Store
import Testing

@testable import Server

/// The cached channels behind authentication and webhook routing: served from memory, and never stale for longer
/// than the change takes to reach this process.
@Suite("Cached channels")
struct ChannelDirectoryTests {
    let store: SQLiteStore
    let directory: ChannelDirectory

    init() async throws {
        store = try SQLiteStore.inMemory()
        try await store.migrate()
        try await store.addChannel(TestWorld.alpha)
        directory = ChannelDirectory(store: store, freshness: .seconds(3600))
    }

    @Test("requests are answered from memory: a change written behind the directory's back is not seen until invalidated")
    func servedFromMemory() async throws {
        let before = try #require(try await directory.authenticate(tokens: [TestWorld.alphaToken], channelID: nil))
        var settings = before.settings
        settings.webhookURLs = ["https://hooks.example/changed"]
        try await store.updateSettings(channelID: "alpha", settings: settings)

        let cached = try await directory.authenticate(tokens: [TestWorld.alphaToken], channelID: "alpha")
        #expect(cached?.settings.webhookURLs == before.settings.webhookURLs, "no database read on this request")
        directory.invalidate()
        let reread = try await directory.authenticate(tokens: [TestWorld.alphaToken], channelID: "alpha")
        #expect(reread?.settings.webhookURLs == ["https://hooks.example/changed"])
    }

    @Test("settings changed through the directory apply from the next request on")
    func ownChangesApplyAtOnce() async throws {
        var settings = try #require(try await directory.channel(id: "alpha")).settings
        settings.ackNotificationsOn = !settings.ackNotificationsOn
        let changed = try await directory.updateSettings(of: "alpha") { $0.ackNotificationsOn = settings.ackNotificationsOn }
        #expect(changed?.after == settings && changed?.before.ackNotificationsOn == !settings.ackNotificationsOn)
        #expect(try await directory.channel(id: "alpha")?.settings == settings)
        #expect(try await store.channel(id: "alpha")?.settings == settings)
        #expect(try await directory.updateSettings(of: "nobody") { $0.rawHooks = true } == nil)
    }

    @Test("a settings change applies to the stored settings, so an operator's change the snapshot does not show yet stays")
    func changesApplyToTheStoredSettings() async throws {
        _ = try await directory.channel(id: "alpha")  // the snapshot holds the settings from before the operator's change
        var byOperator = try #require(try await store.channel(id: "alpha")).settings
        byOperator.webhookSigning = WebhookSigningSecrets(current: WebhookSigningSecrets.generateSecret())
        byOperator.eventSinks = ["https://sink.example/events"]
        try await store.updateSettings(channelID: "alpha", settings: byOperator)

        _ = try await directory.updateSettings(of: "alpha") { $0.rawHooks = true }
        let stored = try #require(try await store.channel(id: "alpha")).settings
        #expect(stored.rawHooks)
        #expect(stored.webhookSigning == byOperator.webhookSigning && stored.eventSinks == byOperator.eventSinks)
    }

    @Test("a token rotated by another process works at once and the old one stops with it", arguments: [nil, "alpha"])
    func rotatedElsewhere(pathChannelID: String?) async throws {
        #expect(try await directory.authenticate(tokens: [TestWorld.alphaToken], channelID: pathChannelID) != nil)
        let newToken = "alpha-token-rotated-000000001"
        try await store.replaceTokenHash(channelID: "alpha", tokenHash: ChannelToken.hash(newToken))

        #expect(try await directory.authenticate(tokens: [newToken], channelID: pathChannelID)?.id == "alpha")
        #expect(try await directory.authenticate(tokens: [TestWorld.alphaToken], channelID: pathChannelID) == nil)
        #expect(try await directory.authenticate(tokens: ["nobody-has-this-token-00001"], channelID: pathChannelID) == nil)
    }

    @Test("a channel added by another process is found at once; another instance's announced change drops the cache")
    func addedElsewhereAndAnnounced() async throws {
        #expect(try await directory.all().map(\.id) == ["alpha"])
        try await store.addChannel(TestWorld.beta)
        #expect(try await directory.authenticate(tokens: [TestWorld.betaToken], channelID: "beta")?.id == "beta")
        #expect(try await directory.all().map(\.id) == ["alpha", "beta"])

        try await store.replaceTokenHash(channelID: "beta", tokenHash: ChannelToken.hash("beta-token-rotated-0000000001"))
        #expect(try await directory.authenticate(tokens: [TestWorld.betaToken], channelID: nil)?.id == "beta", "cached")
        let follower = StoreChangeFollower(
            store: store, signal: .init(), templates: .init(refreshInterval: .seconds(60)), channels: directory,
            logger: Logger(label: "test"))
        await follower.apply(.channel(id: "beta"))
        #expect(try await directory.authenticate(tokens: [TestWorld.betaToken], channelID: nil) == nil)
    }

    @Test("a fresh read replaces the snapshot rather than dropping it: the requests after it are served from memory")
    func freshReadKeepsASnapshot() async throws {
        #expect(try await directory.all().map(\.id) == ["alpha"])
        try await store.addChannel(TestWorld.beta)
        #expect(try await directory.all(fresh: true).map(\.id) == ["alpha", "beta"])
        _ = try await store.removeChannel(id: "beta")
        #expect(try await directory.all().map(\.id) == ["alpha", "beta"], "served from the snapshot the fresh read kept")
    }

    @Test("a snapshot older than its freshness is read again")
    func expires() async throws {
        let shortLived = ChannelDirectory(store: store, freshness: .zero)
        #expect(try await shortLived.all().count == 1)
        try await store.addChannel(TestWorld.beta)
        #expect(try await shortLived.all().count == 2)
    }
}
