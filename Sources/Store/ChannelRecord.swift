import Foundation

/// A 1MSG channel: what a legacy client calls an instance, backed by one WhatsApp business number.
public struct ChannelRecord: Sendable, Hashable {
    /// The 1MSG channel id, the first path segment of legacy URLs (`VID182868781`).
    public var id: String
    /// SHA-256 of the channel's 1MSG token, hex; the token itself is never stored.
    public var tokenHash: String
    /// Meta's phone number id; unique across channels, routes inbound webhooks.
    public var phoneNumberID: String
    /// Meta's WhatsApp Business Account id.
    public var wabaID: String
    /// Meta access token (system user), sent as Bearer upstream.
    public var accessToken: String
    /// Meta app secret, the key of webhook signatures.
    public var appSecret: String
    /// The token Meta echoes in the webhook verification handshake.
    public var verifyToken: String
    /// Client-facing settings (webhook URLs, ack notifications, …).
    public var settings: ChannelSettings
    /// When the channel was added.
    public var createdAt: Date

    /// A channel; new channels get default settings.
    public init(
        id: String,
        tokenHash: String,
        phoneNumberID: String,
        wabaID: String,
        accessToken: String,
        appSecret: String,
        verifyToken: String,
        settings: ChannelSettings = ChannelSettings(),
        createdAt: Date = Date()
    ) {
        self.id = id
        self.tokenHash = tokenHash
        self.phoneNumberID = phoneNumberID
        self.wabaID = wabaID
        self.accessToken = accessToken
        self.appSecret = appSecret
        self.verifyToken = verifyToken
        self.settings = settings
        self.createdAt = createdAt
    }
}

/// The settings a 1MSG client controls through `/settings` and `/webhook`.
public struct ChannelSettings: Codable, Sendable, Hashable {
    /// Where `messages` and `ack` events are pushed (at most 5).
    public var webhookURLs: [String]
    /// Whether `ack` events are pushed (1MSG's default for a new channel is on).
    public var ackNotificationsOn: Bool
    /// Push `viewed` instead of `read` in acks, for clients written against 1MSG 2.39.
    public var readAckAsViewed: Bool
    /// Retry failed deliveries until they succeed or expire (on by default); off, each event gets one
    /// attempt and a failure goes straight to the dead letters.
    public var guaranteedHooks: Bool
    /// Also push each Meta webhook change for this channel as Meta sent it, with `instanceId` added.
    public var rawHooks: Bool
    /// The business number as WhatsApp shows it (learned from Meta's webhooks), the `author` of echoes.
    public var displayPhoneNumber: String?
    /// The Meta app id, needed for resumable uploads (profile pictures, template header examples).
    /// Set by the operator (`channel add|update --app-id`), not by 1MSG clients.
    public var metaAppID: String?
    /// Standard Webhooks signing secrets; `nil`, deliveries go unsigned. Set by the operator
    /// (`channel update --webhook-secret`), never shown to 1MSG clients.
    public var webhookSigning: WebhookSigningSecrets?
    /// Where CloudEvents documents of the channel's messages, statuses and template statuses are pushed (at most 5),
    /// besides the 1MSG webhook URLs.
    public var eventSinks: [String]
    /// The events one Meta webhook delivery produces for one chat go to each sink as one CloudEvents batch
    /// (`application/cloudevents-batch+json`) instead of one document each.
    public var eventBatch: Bool

    /// Settings; the defaults are those of a new 1MSG channel.
    public init(
        webhookURLs: [String] = [], ackNotificationsOn: Bool = true, readAckAsViewed: Bool = false,
        guaranteedHooks: Bool = true, rawHooks: Bool = false, displayPhoneNumber: String? = nil, metaAppID: String? = nil,
        eventSinks: [String] = [], eventBatch: Bool = false, webhookSigning: WebhookSigningSecrets? = nil
    ) {
        self.webhookURLs = webhookURLs
        self.ackNotificationsOn = ackNotificationsOn
        self.readAckAsViewed = readAckAsViewed
        self.guaranteedHooks = guaranteedHooks
        self.rawHooks = rawHooks
        self.displayPhoneNumber = displayPhoneNumber
        self.metaAppID = metaAppID
        self.webhookSigning = webhookSigning
        self.eventSinks = eventSinks
        self.eventBatch = eventBatch
    }

    /// Decodes stored settings; a field missing (written by an older build) takes its default.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        webhookURLs = try container.decodeIfPresent([String].self, forKey: .webhookURLs) ?? []
        ackNotificationsOn = try container.decodeIfPresent(Bool.self, forKey: .ackNotificationsOn) ?? true
        readAckAsViewed = try container.decodeIfPresent(Bool.self, forKey: .readAckAsViewed) ?? false
        guaranteedHooks = try container.decodeIfPresent(Bool.self, forKey: .guaranteedHooks) ?? true
        rawHooks = try container.decodeIfPresent(Bool.self, forKey: .rawHooks) ?? false
        displayPhoneNumber = try container.decodeIfPresent(String.self, forKey: .displayPhoneNumber)
        metaAppID = try container.decodeIfPresent(String.self, forKey: .metaAppID)
        webhookSigning = try container.decodeIfPresent(WebhookSigningSecrets.self, forKey: .webhookSigning)
        eventSinks = try container.decodeIfPresent([String].self, forKey: .eventSinks) ?? []
        eventBatch = try container.decodeIfPresent(Bool.self, forKey: .eventBatch) ?? false
    }
}
