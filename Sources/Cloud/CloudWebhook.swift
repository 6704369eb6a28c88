/// The body Meta POSTs to a webhook callback (`object: whatsapp_business_account`).
///
/// Only the parts the bridge routes and translates are typed; unknown keys are ignored when decoding.
public struct CloudWebhookPayload: Codable, Sendable, Hashable {
    public var object: String
    public var entry: [Entry]

    public init(object: String = "whatsapp_business_account", entry: [Entry]) {
        self.object = object
        self.entry = entry
    }

    /// One WABA's batch of changes.
    public struct Entry: Codable, Sendable, Hashable {
        public var id: String
        public var changes: [Change]

        public init(id: String, changes: [Change]) {
            self.id = id
            self.changes = changes
        }
    }

    /// One change: `field` names what changed (`messages`, `smb_message_echoes`, …).
    public struct Change: Codable, Sendable, Hashable {
        public var field: String
        public var value: Value

        public init(field: String, value: Value) {
            self.field = field
            self.value = value
        }
    }

    /// The value of a `messages` change.
    public struct Value: Codable, Sendable, Hashable {
        public var messagingProduct: String?
        public var metadata: Metadata?
        public var statuses: [Status]?

        public init(metadata: Metadata, statuses: [Status]? = nil) {
            self.messagingProduct = "whatsapp"
            self.metadata = metadata
            self.statuses = statuses
        }

        enum CodingKeys: String, CodingKey {
            case messagingProduct = "messaging_product"
            case metadata, statuses
        }
    }

    /// Which business number the change belongs to.
    public struct Metadata: Codable, Sendable, Hashable {
        public var displayPhoneNumber: String?
        public var phoneNumberID: String

        public init(displayPhoneNumber: String?, phoneNumberID: String) {
            self.displayPhoneNumber = displayPhoneNumber
            self.phoneNumberID = phoneNumberID
        }

        enum CodingKeys: String, CodingKey {
            case displayPhoneNumber = "display_phone_number"
            case phoneNumberID = "phone_number_id"
        }
    }

    /// The lifecycle of one outbound message: sent, delivered, read, failed, …
    public struct Status: Codable, Sendable, Hashable {
        public var id: String
        public var status: String
        public var timestamp: String
        public var recipientID: String?
        public var pricing: Pricing?
        public var errors: [StatusError]?

        public init(id: String, status: String, timestamp: String, recipientID: String?, pricing: Pricing? = nil, errors: [StatusError]? = nil) {
            self.id = id
            self.status = status
            self.timestamp = timestamp
            self.recipientID = recipientID
            self.pricing = pricing
            self.errors = errors
        }

        enum CodingKeys: String, CodingKey {
            case id, status, timestamp, pricing, errors
            case recipientID = "recipient_id"
        }
    }

    /// Billing information attached to a status.
    public struct Pricing: Codable, Sendable, Hashable {
        public var billable: Bool?
        public var pricingModel: String?
        public var category: String?

        public init(billable: Bool?, pricingModel: String?, category: String?) {
            self.billable = billable
            self.pricingModel = pricingModel
            self.category = category
        }

        enum CodingKeys: String, CodingKey {
            case billable, category
            case pricingModel = "pricing_model"
        }
    }

    /// An error on a failed status.
    public struct StatusError: Codable, Sendable, Hashable {
        public var code: Int
        public var title: String?
        public var message: String?

        public init(code: Int, title: String?, message: String?) {
            self.code = code
            self.title = title
            self.message = message
        }
    }

    /// The business numbers this payload concerns, in order of first appearance.
    public var phoneNumberIDs: [String] {
        var seen: Set<String> = []
        return entry.flatMap(\.changes).compactMap(\.value.metadata?.phoneNumberID).filter { seen.insert($0).inserted }
    }
}
