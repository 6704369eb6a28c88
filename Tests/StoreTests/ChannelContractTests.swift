import Foundation
import Store
import Testing

/// The store contract for channels, installation secrets and the schema, run against every store.
@Suite("Store contract: channels")
struct ChannelContractTests {
    @Test("channels are found by id, token hash and phone number id; duplicates are refused", arguments: StoreFactory.all)
    func channels(factory: StoreFactory) async throws {
        let store = try await factory.makeStore()
        let alpha = Fixtures.channel("alpha", phoneNumberID: "111", token: "token-alpha-0001")
        try await store.addChannel(alpha)
        try await store.addChannel(Fixtures.channel("beta", phoneNumberID: "222", token: "token-beta-00001"))

        #expect(try await store.channel(id: "alpha")?.phoneNumberID == "111")
        #expect(try await store.channel(tokenHash: ChannelToken.hash("token-alpha-0001"))?.id == "alpha")
        #expect(try await store.channelOwning(phoneNumberID: "222")?.id == "beta")
        #expect(try await store.channel(id: "alpha")?.settings == alpha.settings)
        #expect(try await store.channels().map(\.id) == ["alpha", "beta"])

        await #expect(throws: StoreError.channelExists(field: "id", value: "alpha")) {
            try await store.addChannel(Fixtures.channel("alpha", phoneNumberID: "333", token: "x-token-000001"))
        }
        await #expect(throws: StoreError.channelExists(field: "phone number id", value: "111")) {
            try await store.addChannel(Fixtures.channel("gamma", phoneNumberID: "111", token: "x-token-000002"))
        }
        #expect(try await store.channels().count == 2)
    }

    @Test("a channel reads back exactly as added; the list is ordered by id", arguments: StoreFactory.all)
    func roundTrip(factory: StoreFactory) async throws {
        let store = try await factory.makeStore()
        var zulu = Fixtures.channel("zulu", phoneNumberID: "999", token: "token-zulu-00001")
        zulu.createdAt = Fixtures.epoch
        zulu.settings = ChannelSettings(
            webhookURLs: ["http://a/hook", "http://b/hook"], ackNotificationsOn: false, readAckAsViewed: true,
            guaranteedHooks: false, rawHooks: true, displayPhoneNumber: "15550001", metaAppID: "app-1")
        try await store.addChannel(zulu)
        try await store.addChannel(Fixtures.channel("alpha", phoneNumberID: "111", token: "token-alpha-0001"))
        try await store.addChannel(Fixtures.channel("mike", phoneNumberID: "555", token: "token-mike-00001"))

        #expect(try await store.channel(id: "zulu") == zulu)
        #expect(try await store.channelOwning(phoneNumberID: "999") == zulu)
        #expect(try await store.channels().map(\.id) == ["alpha", "mike", "zulu"])
        #expect(try await store.channel(id: "nope") == nil)
        #expect(try await store.channel(tokenHash: ChannelToken.hash("nope")) == nil)
        #expect(try await store.channelOwning(phoneNumberID: "000") == nil)
    }

    @Test("a second channel with a token hash in use is refused", arguments: StoreFactory.all)
    func duplicateTokenHash(factory: StoreFactory) async throws {
        let store = try await factory.makeStore()
        try await store.addChannel(Fixtures.channel("alpha", phoneNumberID: "111", token: "token-shared-001"))
        await #expect(throws: StoreError.self) {
            try await store.addChannel(Fixtures.channel("beta", phoneNumberID: "222", token: "token-shared-001"))
        }
        #expect(try await store.channels().map(\.id) == ["alpha"])
    }

    @Test("rotating a token replaces the hash; removing a channel forgets it", arguments: StoreFactory.all)
    func rotateAndRemove(factory: StoreFactory) async throws {
        let store = try await factory.makeStore()
        try await store.addChannel(Fixtures.channel("alpha", phoneNumberID: "111", token: "old-token-00001"))
        try await store.replaceTokenHash(channelID: "alpha", tokenHash: ChannelToken.hash("new-token-00001"))
        #expect(try await store.channel(tokenHash: ChannelToken.hash("old-token-00001")) == nil)
        #expect(try await store.channel(tokenHash: ChannelToken.hash("new-token-00001"))?.id == "alpha")
        await #expect(throws: StoreError.channelNotFound(id: "nope")) {
            try await store.replaceTokenHash(channelID: "nope", tokenHash: "x")
        }
        #expect(try await store.removeChannel(id: "alpha"))
        #expect(try await store.removeChannel(id: "alpha") == false)
        #expect(try await store.channel(id: "alpha") == nil)
    }

    @Test("removing a channel leaves the others, and frees its id and phone number id", arguments: StoreFactory.all)
    func removeChannel(factory: StoreFactory) async throws {
        let store = try await factory.makeStore()
        try await store.addChannel(Fixtures.channel("alpha", phoneNumberID: "111", token: "token-alpha-0001"))
        try await store.addChannel(Fixtures.channel("beta", phoneNumberID: "222", token: "token-beta-00001"))
        #expect(try await store.removeChannel(id: "alpha"))
        #expect(try await store.channels().map(\.id) == ["beta"])
        #expect(try await store.channelOwning(phoneNumberID: "111") == nil)
        #expect(try await store.channel(tokenHash: ChannelToken.hash("token-alpha-0001")) == nil)

        try await store.addChannel(Fixtures.channel("alpha", phoneNumberID: "111", token: "token-alpha-0002"))
        #expect(try await store.channelOwning(phoneNumberID: "111")?.id == "alpha")
    }

    @Test("settings and credentials are replaced and nothing else changes", arguments: StoreFactory.all)
    func updates(factory: StoreFactory) async throws {
        let store = try await factory.makeStore()
        let alpha = Fixtures.channel("alpha", phoneNumberID: "111", token: "token-alpha-0001")
        let beta = Fixtures.channel("beta", phoneNumberID: "222", token: "token-beta-00001")
        try await store.addChannel(alpha)
        try await store.addChannel(beta)

        var settings = alpha.settings
        settings.webhookURLs = ["http://new/hook"]
        settings.ackNotificationsOn = false
        settings.displayPhoneNumber = "15550111"
        try await store.updateSettings(channelID: "alpha", settings: settings)
        try await store.updateCredentials(channelID: "alpha", accessToken: "EAAG-new", appSecret: "secret-new", verifyToken: "verify-new")

        let stored = try #require(try await store.channel(id: "alpha"))
        #expect(stored.settings == settings)
        #expect(stored.accessToken == "EAAG-new" && stored.appSecret == "secret-new" && stored.verifyToken == "verify-new")
        #expect(stored.tokenHash == alpha.tokenHash && stored.phoneNumberID == alpha.phoneNumberID && stored.wabaID == alpha.wabaID)
        #expect(abs(stored.createdAt.timeIntervalSince(alpha.createdAt)) < 0.001)
        #expect(try await store.channel(id: "beta")?.settings == beta.settings)
        #expect(try await store.channel(id: "beta")?.accessToken == beta.accessToken)
    }

    @Test("updating a channel that does not exist throws channelNotFound", arguments: StoreFactory.all)
    func updatesOfMissingChannel(factory: StoreFactory) async throws {
        let store = try await factory.makeStore()
        await #expect(throws: StoreError.channelNotFound(id: "nope")) {
            try await store.updateSettings(channelID: "nope", settings: ChannelSettings())
        }
        await #expect(throws: StoreError.channelNotFound(id: "nope")) {
            try await store.updateCredentials(channelID: "nope", accessToken: "a", appSecret: "b", verifyToken: "c")
        }
        await #expect(throws: StoreError.channelNotFound(id: "nope")) {
            try await store.replaceTokenHash(channelID: "nope", tokenHash: "x")
        }
        #expect(try await store.channels().isEmpty)
    }

    @Test("an installation secret is created once and stays; each name has its own", arguments: StoreFactory.all)
    func installationSecrets(factory: StoreFactory) async throws {
        let store = try await factory.makeStore()
        let media = try await store.installationSecret(named: "media-links")
        #expect(media.count >= 32)
        #expect(try await store.installationSecret(named: "media-links") == media)
        let other = try await store.installationSecret(named: "other")
        #expect(other != media)
        #expect(try await store.installationSecret(named: "media-links") == media)
    }

    @Test("migrate is safe on every start: the data stays", arguments: StoreFactory.all)
    func migrateAgain(factory: StoreFactory) async throws {
        let store = try await factory.makeStore()
        try await store.ping()
        try await store.addChannel(Fixtures.channel("alpha", phoneNumberID: "111", token: "token-alpha-0001"))
        let secret = try await store.installationSecret(named: "media-links")
        try await store.recordMessage(Fixtures.message("w1"))
        try await store.migrate()
        #expect(try await store.channels().map(\.id) == ["alpha"])
        #expect(try await store.installationSecret(named: "media-links") == secret)
        #expect(try await store.allMessages(channelID: "alpha").map(\.id) == ["w1"])
        try await store.ping()
    }
}

extension BridgeStore {
    /// The channel of a Meta phone number id, as the webhook route finds it (among every channel).
    func channelOwning(phoneNumberID: String) async throws -> ChannelRecord? {
        try await channels().first { $0.phoneNumberID == phoneNumberID }
    }
}
