/// `GET /me`: the business profile as 1MSG shows it. Absent members are left out, never sent as
/// values the SDKs cannot decode (`vertical` is one of the 17 1MSG labels or absent).
public struct MeReply: Codable, Sendable, Hashable {
    public var about: String?
    public var address: String?
    public var description: String?
    public var email: String?
    /// The business number, digits only.
    public var phone: String?
    public var vertical: String?
    /// The profile picture's URL.
    public var photo: String?
    public var websites: [String]?

    public init(
        about: String? = nil, address: String? = nil, description: String? = nil, email: String? = nil,
        phone: String? = nil, vertical: String? = nil, photo: String? = nil, websites: [String]? = nil
    ) {
        self.about = about
        self.address = address
        self.description = description
        self.email = email
        self.phone = phone
        self.vertical = vertical
        self.photo = photo
        self.websites = websites
    }
}

/// `GET /status`: 1MSG's lower-case channel state, plus Meta's own account state for people.
/// `GET /mmLiteStatus`: whether the channel may send Marketing Messages (formerly MM Lite).
public struct MarketingMessagesStatusReply: Codable, Sendable, Hashable {
    public var available: Bool
    /// Meta's onboarding status as Meta spells it, or `NOT_STARTED` when Meta reports none.
    public var status: String
    /// What the status means, in words a person can act on.
    public var message: String

    public init(available: Bool, status: String, message: String) {
        self.available = available
        self.status = status
        self.message = message
    }
}

public struct StatusReply: Codable, Sendable, Hashable {
    /// `connected`, `connecting`, `disconnected`, `uninitialized` or `unregistered`.
    public var status: String
    /// Meta's state of the number as Meta spells it (`CONNECTED`, `BANNED`, …), or `UNKNOWN` when Meta
    /// gave none or could not be asked.
    public var accountStatus: String
    /// Meta's quality rating of the number (`GREEN`, `YELLOW`, `RED`, `NA`), when known.
    public var qualityRating: String?
    /// Why the status is not `connected`, in words a person can act on; absent when connected.
    public var reason: String?

    public init(status: String, accountStatus: String, qualityRating: String? = nil, reason: String? = nil) {
        self.status = status
        self.accountStatus = accountStatus
        self.qualityRating = qualityRating
        self.reason = reason
    }
}

/// `GET /templates`: every template of the channel's business account.
public struct TemplatesReply: Codable, Sendable, Hashable {
    /// The number of templates the account has (not only those in this reply).
    public var total: Int
    public var templates: [TemplateItem]

    public init(total: Int, templates: [TemplateItem]) {
        self.total = total
        self.templates = templates
    }
}

/// One template in `GET /templates`.
public struct TemplateItem: Codable, Sendable, Hashable {
    /// Meta's template id.
    public var id: String?
    public var name: String
    /// The language code (`en_US`).
    public var language: String
    /// `MARKETING`, `UTILITY` or `AUTHENTICATION`.
    public var category: String
    /// Lower case: `approved`, `pending`, `rejected`, `paused`, …
    public var status: String
    /// `NONE` unless Meta rejected the template.
    public var rejected_reason: String
    public var components: [FieldValue]
    /// The business account's template namespace, which 1MSG clients copy into `sendTemplate`.
    public var namespace: String

    public init(
        id: String?, name: String, language: String, category: String, status: String, rejected_reason: String,
        components: [FieldValue], namespace: String
    ) {
        self.id = id
        self.name = name
        self.language = language
        self.category = category
        self.status = status
        self.rejected_reason = rejected_reason
        self.components = components
        self.namespace = namespace
    }
}

/// `POST /addTemplate`: what Meta made of the new template.
public struct AddTemplateReply: Codable, Sendable, Hashable {
    public var id: String
    public var name: String
    public var language: String
    /// The category Meta filed it under (after 1MSG's old names were mapped).
    public var category: String
    /// Lower case, like `GET /templates`.
    public var status: String

    public init(id: String, name: String, language: String, category: String, status: String) {
        self.id = id
        self.name = name
        self.language = language
        self.category = category
        self.status = status
    }
}

/// One item of `GET /commerce`.
public struct CommerceReply: Codable, Sendable, Hashable {
    public var id: String
    public var is_cart_enabled: Bool
    public var is_catalog_visible: Bool

    public init(id: String, is_cart_enabled: Bool, is_catalog_visible: Bool) {
        self.id = id
        self.is_cart_enabled = is_cart_enabled
        self.is_catalog_visible = is_catalog_visible
    }
}

/// `POST /commerce`: `{"success": true}`.
public struct SuccessReply: Codable, Sendable, Hashable {
    public var success: Bool

    public init(success: Bool) {
        self.success = success
    }
}

/// `GET /blockedUsers`.
public struct BlockedUsersReply: Codable, Sendable, Hashable {
    /// One blocked user: the WhatsApp id and its 1MSG chat id.
    public struct User: Codable, Sendable, Hashable {
        public var phone: String
        public var chatId: String

        public init(phone: String, chatId: String) {
            self.phone = phone
            self.chatId = chatId
        }
    }

    public var blockedUsers: [User]

    public init(blockedUsers: [User]) {
        self.blockedUsers = blockedUsers
    }
}

/// `GET/POST /conversationalAutomation`: the welcome message switch, ice-breaker prompts and commands.
public struct AutomationReply: Codable, Sendable, Hashable {
    /// One `/command` with its description.
    public struct Command: Codable, Sendable, Hashable {
        public var command_name: String
        public var command_description: String

        public init(command_name: String, command_description: String) {
            self.command_name = command_name
            self.command_description = command_description
        }
    }

    public var enable_welcome_message: Bool
    public var prompts: [String]
    public var commands: [Command]

    public init(enable_welcome_message: Bool, prompts: [String], commands: [Command]) {
        self.enable_welcome_message = enable_welcome_message
        self.prompts = prompts
        self.commands = commands
    }
}

/// 1MSG's legacy answer of conversational automation when the provider refused: HTTP 200 with
/// `{"response": {"error": "…"}}`.
public struct LegacyErrorReply: Codable, Sendable, Hashable {
    /// The wrapped error text.
    public struct Inner: Codable, Sendable, Hashable {
        public var error: String
    }

    public var response: Inner

    public init(error: String) {
        response = Inner(error: error)
    }
}

/// `GET /statistics?date=mm.YYYY`: what the month's template messages cost.
public struct StatisticsReply: Codable, Sendable, Hashable {
    /// The month asked for, `mm.YYYY`.
    public var date: String
    public var templates_cost: Double

    public init(date: String, templates_cost: Double) {
        self.date = date
        self.templates_cost = templates_cost
    }
}

/// One month of `GET /extendedStatistics`.
public struct ExtendedStatisticsRow: Codable, Sendable, Hashable {
    public var business_initiated_paid_quantity: Int
    public var business_initiated_price: Double
    public var business_initiated_quantity: Int
    public var free_entry_point: Int
    public var free_quantity: Int
    public var free_tier: Int
    public var paid_quantity: Int
    /// The first instant of the month, `2022-11-01T00:00:00Z`.
    public var period_date: String
    public var quantity: Int
    public var total_price: Double
    public var user_initiated_paid_quantity: Int
    public var user_initiated_price: Double
    public var user_initiated_quantity: Int

    /// A month with no messages.
    public init(periodDate: String) {
        business_initiated_paid_quantity = 0
        business_initiated_price = 0
        business_initiated_quantity = 0
        free_entry_point = 0
        free_quantity = 0
        free_tier = 0
        paid_quantity = 0
        period_date = periodDate
        quantity = 0
        total_price = 0
        user_initiated_paid_quantity = 0
        user_initiated_price = 0
        user_initiated_quantity = 0
    }
}
