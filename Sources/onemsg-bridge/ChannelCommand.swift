import ArgumentParser
import Foundation
import ServiceLifecycle
import Store

/// `onemsg-bridge channel add|list|remove|rotate-token`.
struct ChannelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "channel",
        abstract: "Manage 1MSG channels (each backed by one WhatsApp business number).",
        subcommands: [Add.self, List.self, Update.self, Remove.self, RotateToken.self]
    )

    /// Opens and migrates the store `options` name and runs `body` with it, while the store's service (PostgreSQL's
    /// connection pool) runs beside it; the service stops when `body` returns.
    static func withStore<T: Sendable>(_ options: DatabaseOptions, _ body: (any BridgeStore) async throws -> T) async throws -> T {
        let store = try StoreLocator.open(options.resolved, poolSize: try options.resolvedPoolSize())
        try await store.migrate()
        guard let service = store.service else { return try await body(store) }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await service.run() }
            defer { group.cancelAll() }
            return try await body(store)
        }
    }

    /// A Meta app id is a number.
    static func validateAppID(_ appID: String?) throws {
        if let appID, appID.isEmpty || !appID.allSatisfy(\.isNumber) {
            throw ValidationError("--app-id must be the Meta app's numeric id")
        }
    }

    /// At most 5 http(s) URLs for `option` (`--webhook-url`, `--event-sink`).
    static func validateURLs(_ urls: [String], option: String) throws {
        guard urls.count <= 5 else { throw ValidationError("at most 5 \(option) values") }
        for url in urls where !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            throw ValidationError("\(option) must be an http(s) URL: \(url)")
        }
    }

    /// Shows only the last 4 characters of a secret.
    static func masked(_ secret: String) -> String {
        secret.count > 4 ? "…" + secret.suffix(4) : "****"
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a channel.")

        @Option(help: "1MSG channel id (the first path segment clients use).") var id: String
        @Option(help: "1MSG token clients authenticate with; omit to generate one.") var token: String?
        @Option(help: "Meta phone number id.") var phoneNumberId: String
        @Option(help: "Meta WhatsApp Business Account id.") var wabaId: String
        @Option(help: "Meta access token (system user).") var accessToken: String
        @Option(help: "Meta app secret (verifies webhook signatures).") var appSecret: String
        @Option(help: "Verify token for Meta's webhook handshake.") var verifyToken: String
        @Option(help: "Client webhook URL for messages and acks (repeatable, at most 5).") var webhookUrl: [String] = []
        @Option(help: "Event sink URL receiving CloudEvents (repeatable, at most 5).") var eventSink: [String] = []
        @Option(help: "Meta app id, needed to upload profile pictures and template header examples.") var appId: String?
        @Flag(help: "Give the channel a webhook signing secret, printed once (Standard Webhooks signatures).") var webhookSecret = false
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var webhookAddresses: WebhookAddressOptions

        func validate() throws {
            try ChannelCommand.validateAppID(appId)
            try ChannelCommand.validateURLs(eventSink, option: "--event-sink")
            guard id.range(of: "^[A-Za-z0-9_-]{1,64}$", options: .regularExpression) != nil else {
                throw ValidationError("--id must be 1 to 64 letters, digits, '-' or '_'")
            }
            guard !["cloud", "healthz", "readyz", "metrics"].contains(id.lowercased()) else {
                throw ValidationError("--id \"\(id)\" is reserved by the bridge's own routes")
            }
            if let token, token.count < 8 {
                throw ValidationError("--token must be at least 8 characters")
            }
            guard webhookUrl.count <= 5 else { throw ValidationError("at most 5 --webhook-url values") }
            for url in webhookUrl where !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
                throw ValidationError("--webhook-url must be an http(s) URL: \(url)")
            }
        }

        func run() async throws {
            try await webhookAddresses.check(webhookUrl)
            try await webhookAddresses.check(eventSink, option: "--event-sink")
            try await ChannelCommand.withStore(database) { store in try await run(on: store) }
        }

        func run(on store: any BridgeStore) async throws {
            let token = token ?? ChannelToken.generate()
            let signingSecret = webhookSecret ? WebhookSigningSecrets.generateSecret() : nil
            let channel = ChannelRecord(
                id: id, tokenHash: ChannelToken.hash(token), phoneNumberID: phoneNumberId, wabaID: wabaId,
                accessToken: accessToken, appSecret: appSecret, verifyToken: verifyToken,
                settings: ChannelSettings(
                    webhookURLs: webhookUrl, metaAppID: appId, eventSinks: eventSink,
                    webhookSigning: signingSecret.map { WebhookSigningSecrets(current: $0) }))
            do {
                try await store.addChannel(channel)
            } catch let error as StoreError {
                throw CommandFailure("channel add: \(error)")
            }
            print("Added channel \(id) (phone number id \(phoneNumberId)).")
            if self.token == nil {
                print("Token (shown once, store it now): \(token)")
            }
            if let signingSecret {
                print("Webhook signing secret (shown once, store it now): \(signingSecret)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List channels; secrets are masked.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            try await ChannelCommand.withStore(database) { store in try await run(on: store) }
        }

        func run(on store: any BridgeStore) async throws {
            let channels = try await store.channels()
            if channels.isEmpty {
                print("No channels. Add one with: onemsg-bridge channel add --id ID …")
                return
            }
            print(
                ["id", "phone_number_id", "waba_id", "app_id", "access_token", "app_secret", "webhook_urls", "event_sinks", "signed"]
                    .joined(separator: "\t"))
            for channel in channels {
                print(
                    [
                        channel.id, channel.phoneNumberID, channel.wabaID, channel.settings.metaAppID ?? "-", masked(channel.accessToken),
                        masked(channel.appSecret), String(channel.settings.webhookURLs.count),
                        String(channel.settings.eventSinks.count), channel.settings.webhookSigning == nil ? "no" : "yes",
                    ].joined(separator: "\t"))
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Change a channel's Meta credentials, app id, client webhook URLs, event sinks or signing secret; options not given stay as they are."
        )
        @Option(help: "Channel id.") var id: String
        @Option(help: "New Meta access token.") var accessToken: String?
        @Option(help: "New Meta app secret.") var appSecret: String?
        @Option(help: "New verify token.") var verifyToken: String?
        @Option(help: "Client webhook URL (repeatable, at most 5); replaces the list.") var webhookUrl: [String] = []
        @Flag(help: "Remove every client webhook URL.") var clearWebhooks = false
        @Option(help: "Event sink URL receiving CloudEvents (repeatable, at most 5); replaces the list.") var eventSink: [String] = []
        @Flag(help: "Remove every event sink.") var clearEventSinks = false
        @Option(help: "Send each delivery's events per chat to the sinks as one CloudEvents batch: on or off.") var eventBatch: Switch?
        @Option(help: "Meta app id, needed to upload profile pictures and template header examples.") var appId: String?
        @Flag(
            help: """
                Give the channel a new webhook signing secret, printed once: its webhooks and events then carry Standard Webhooks \
                signatures. A secret it had keeps signing beside the new one for 24 hours.
                """)
        var webhookSecret = false
        @Flag(help: "Stop signing the channel's webhooks and events.") var removeWebhookSecret = false
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var webhookAddresses: WebhookAddressOptions

        func validate() throws {
            try ChannelCommand.validateAppID(appId)
            if webhookSecret, removeWebhookSecret { throw ValidationError("--webhook-secret and --remove-webhook-secret exclude each other") }
            guard webhookUrl.count <= 5 else { throw ValidationError("at most 5 --webhook-url values") }
            for url in webhookUrl where !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
                throw ValidationError("--webhook-url must be an http(s) URL: \(url)")
            }
            if clearWebhooks, !webhookUrl.isEmpty { throw ValidationError("--clear-webhooks and --webhook-url exclude each other") }
            try ChannelCommand.validateURLs(eventSink, option: "--event-sink")
            if clearEventSinks, !eventSink.isEmpty { throw ValidationError("--clear-event-sinks and --event-sink exclude each other") }
        }

        func run() async throws {
            try await webhookAddresses.check(webhookUrl)
            try await webhookAddresses.check(eventSink, option: "--event-sink")
            try await ChannelCommand.withStore(database) { store in try await run(on: store) }
        }

        func run(on store: any BridgeStore) async throws {
            guard var channel = try await store.channel(id: id) else {
                throw CommandFailure("channel update: no channel with id \"\(id)\"")
            }
            let newSecret = webhookSecret ? WebhookSigningSecrets.generateSecret() : nil
            let sinksChange = !eventSink.isEmpty || clearEventSinks
            let signingChange = newSecret != nil || removeWebhookSecret
            if !webhookUrl.isEmpty || clearWebhooks || appId != nil || sinksChange || eventBatch != nil || signingChange {
                if !webhookUrl.isEmpty || clearWebhooks { channel.settings.webhookURLs = webhookUrl }
                if sinksChange { channel.settings.eventSinks = eventSink }
                if let eventBatch { channel.settings.eventBatch = eventBatch == .on }
                if let appId { channel.settings.metaAppID = appId }
                if let newSecret {
                    channel.settings.webhookSigning =
                        channel.settings.webhookSigning?.rotated(to: newSecret, at: Date()) ?? WebhookSigningSecrets(current: newSecret)
                }
                if removeWebhookSecret { channel.settings.webhookSigning = nil }
                try await store.updateSettings(channelID: id, settings: channel.settings)
            }
            if accessToken != nil || appSecret != nil || verifyToken != nil {
                try await store.updateCredentials(
                    channelID: id, accessToken: accessToken ?? channel.accessToken, appSecret: appSecret ?? channel.appSecret,
                    verifyToken: verifyToken ?? channel.verifyToken)
            }
            print("Updated channel \(id).")
            if let newSecret {
                print("Webhook signing secret (shown once, store it now): \(newSecret)")
                if let until = channel.settings.webhookSigning?.previousUntil {
                    print("The previous secret also signs until \(until.formatted(.iso8601)).")
                }
            }
            if removeWebhookSecret { print("Webhooks and events of channel \(id) are no longer signed.") }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a channel.")
        @Option(help: "Channel id.") var id: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            try await ChannelCommand.withStore(database) { store in try await run(on: store) }
        }

        func run(on store: any BridgeStore) async throws {
            guard try await store.removeChannel(id: id) else {
                throw CommandFailure("channel remove: no channel with id \"\(id)\"")
            }
            print("Removed channel \(id).")
        }
    }

    struct RotateToken: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-token", abstract: "Give a channel a new 1MSG token; the old one stops working at once.")
        @Option(help: "Channel id.") var id: String
        @Option(help: "The new token; omit to generate one.") var token: String?
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            if let token, token.count < 8 { throw ValidationError("--token must be at least 8 characters") }
        }

        func run() async throws {
            try await ChannelCommand.withStore(database) { store in try await run(on: store) }
        }

        func run(on store: any BridgeStore) async throws {
            let token = token ?? ChannelToken.generate()
            do {
                try await store.replaceTokenHash(channelID: id, tokenHash: ChannelToken.hash(token))
            } catch let error as StoreError {
                throw CommandFailure("channel rotate-token: \(error)")
            }
            print("Rotated the token of channel \(id).")
            if self.token == nil {
                print("New token (shown once, store it now): \(token)")
            }
        }
    }
}

/// An `on|off` option value.
enum Switch: String, ExpressibleByArgument, CaseIterable {
    case on, off
}

extension ChannelCommand.List {
    func masked(_ secret: String) -> String { ChannelCommand.masked(secret) }
}
