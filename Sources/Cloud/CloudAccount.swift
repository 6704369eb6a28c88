/// One page of a Graph list: `{"data": [...], "paging": {"cursors": {"before", "after"}, "next"?}}`.
///
/// `next` is present only when Meta has more; the `after` cursor asks for that page.
public struct CloudPage<Item: Decodable & Sendable>: Decodable, Sendable {
    /// Graph's paging block; only `after` and `next` matter for reading every page.
    public struct Paging: Decodable, Sendable, Hashable {
        /// The opaque cursors around this page.
        public struct Cursors: Decodable, Sendable, Hashable {
            public var before: String?
            public var after: String?
        }

        public var cursors: Cursors?
        public var next: String?
    }

    public var data: [Item]
    public var paging: Paging?

    /// The cursor of the following page, or `nil` on the last page.
    public var nextCursor: String? {
        guard paging?.next != nil else { return nil }
        return paging?.cursors?.after
    }
}

/// `GET /{phone-number-id}/whatsapp_business_profile` answers one of these inside `data`.
public struct CloudBusinessProfile: Codable, Sendable, Hashable {
    public var about: String?
    public var address: String?
    public var description: String?
    public var email: String?
    public var profilePictureURL: String?
    public var websites: [String]?
    /// Meta's code (`OTHER`, `AUTO`, …), not a 1MSG label.
    public var vertical: String?

    public init(
        about: String? = nil, address: String? = nil, description: String? = nil, email: String? = nil,
        profilePictureURL: String? = nil, websites: [String]? = nil, vertical: String? = nil
    ) {
        self.about = about
        self.address = address
        self.description = description
        self.email = email
        self.profilePictureURL = profilePictureURL
        self.websites = websites
        self.vertical = vertical
    }

    /// The `fields` query that asks for every member above.
    public static let fields = "about,address,description,email,profile_picture_url,websites,vertical"

    enum CodingKeys: String, CodingKey {
        case about, address, description, email, websites, vertical
        case profilePictureURL = "profile_picture_url"
    }
}

/// `GET /{phone-number-id}?fields=…`: the facts about a business number the bridge reads.
public struct CloudPhoneNumber: Codable, Sendable, Hashable {
    public var id: String?
    public var displayPhoneNumber: String?
    public var verifiedName: String?
    /// `GREEN`, `YELLOW`, `RED` or `NA`.
    public var qualityRating: String?
    /// Meta's state of the number (`CONNECTED`, `PENDING`, `BANNED`, …); an open set.
    public var status: String?
    public var codeVerificationStatus: String?
    public var nameStatus: String?
    /// `LIVE` or `SANDBOX`.
    public var accountMode: String?
    /// `CLOUD_API`, `ON_PREMISE` or `NOT_APPLICABLE`.
    public var platformType: String?
    public var conversationalAutomation: CloudJSON?

    public init(
        id: String? = nil, displayPhoneNumber: String? = nil, verifiedName: String? = nil, qualityRating: String? = nil,
        status: String? = nil, codeVerificationStatus: String? = nil, nameStatus: String? = nil,
        accountMode: String? = nil, platformType: String? = nil, conversationalAutomation: CloudJSON? = nil
    ) {
        self.id = id
        self.displayPhoneNumber = displayPhoneNumber
        self.verifiedName = verifiedName
        self.qualityRating = qualityRating
        self.status = status
        self.codeVerificationStatus = codeVerificationStatus
        self.nameStatus = nameStatus
        self.accountMode = accountMode
        self.platformType = platformType
        self.conversationalAutomation = conversationalAutomation
    }

    /// The fields `GET /status` reads.
    public static let statusFields =
        "display_phone_number,verified_name,quality_rating,status,code_verification_status,name_status,account_mode,platform_type"

    enum CodingKeys: String, CodingKey {
        case id, status
        case displayPhoneNumber = "display_phone_number"
        case verifiedName = "verified_name"
        case qualityRating = "quality_rating"
        case codeVerificationStatus = "code_verification_status"
        case nameStatus = "name_status"
        case accountMode = "account_mode"
        case platformType = "platform_type"
        case conversationalAutomation = "conversational_automation"
    }
}

/// `GET /{waba-id}?fields=message_template_namespace`.
public struct CloudBusinessAccount: Codable, Sendable, Hashable {
    public var id: String?
    public var messageTemplateNamespace: String?
    /// Where the account is in Meta's Marketing Messages (formerly MM Lite) onboarding, e.g. `ONBOARDED`.
    public var marketingMessagesOnboardingStatus: String?

    public init(id: String? = nil, messageTemplateNamespace: String? = nil, marketingMessagesOnboardingStatus: String? = nil) {
        self.id = id
        self.messageTemplateNamespace = messageTemplateNamespace
        self.marketingMessagesOnboardingStatus = marketingMessagesOnboardingStatus
    }

    enum CodingKeys: String, CodingKey {
        case id
        case messageTemplateNamespace = "message_template_namespace"
        case marketingMessagesOnboardingStatus = "marketing_messages_onboarding_status"
    }
}

/// `POST /{waba-id}/message_templates` answers `{"id", "status", "category"}`.
public struct CloudTemplateCreated: Codable, Sendable, Hashable {
    public var id: String
    public var status: String?
    public var category: String?

    public init(id: String, status: String?, category: String?) {
        self.id = id
        self.status = status
        self.category = category
    }
}

/// `POST /{app-id}/uploads` answers the id of a resumable upload session (`upload:…`).
public struct CloudUploadSession: Codable, Sendable, Hashable {
    public var id: String

    public init(id: String) {
        self.id = id
    }
}

/// `POST /{upload-session-id}` answers the file handle (`h`) that profile pictures and template examples name.
public struct CloudUploadHandle: Codable, Sendable, Hashable {
    public var h: String

    public init(h: String) {
        self.h = h
    }
}

/// One item of `GET /{phone-number-id}/whatsapp_commerce_settings`.
public struct CloudCommerceSettings: Codable, Sendable, Hashable {
    public var id: String?
    public var isCartEnabled: Bool?
    public var isCatalogVisible: Bool?

    public init(id: String?, isCartEnabled: Bool?, isCatalogVisible: Bool?) {
        self.id = id
        self.isCartEnabled = isCartEnabled
        self.isCatalogVisible = isCatalogVisible
    }

    enum CodingKeys: String, CodingKey {
        case id
        case isCartEnabled = "is_cart_enabled"
        case isCatalogVisible = "is_catalog_visible"
    }
}

/// `POST`/`DELETE /{phone-number-id}/block_users` answer which users were added, removed or failed.
public struct CloudBlockUsersResult: Codable, Sendable, Hashable {
    /// A user Meta blocked or unblocked.
    public struct User: Codable, Sendable, Hashable {
        public var input: String?
        public var waID: String?

        enum CodingKeys: String, CodingKey {
            case input
            case waID = "wa_id"
        }
    }

    /// A user Meta could not block or unblock, with its reasons.
    public struct FailedUser: Codable, Sendable, Hashable {
        public var input: String?
        public var errors: [CloudError]?
    }

    /// The `block_users` member of the answer.
    public struct Outcome: Codable, Sendable, Hashable {
        public var addedUsers: [User]?
        public var removedUsers: [User]?
        public var failedUsers: [FailedUser]?

        enum CodingKeys: String, CodingKey {
            case addedUsers = "added_users"
            case removedUsers = "removed_users"
            case failedUsers = "failed_users"
        }
    }

    public var blockUsers: Outcome?

    enum CodingKeys: String, CodingKey {
        case blockUsers = "block_users"
    }
}

/// One item of `GET /{phone-number-id}/block_users`.
public struct CloudBlockedUser: Codable, Sendable, Hashable {
    public var waID: String

    public init(waID: String) {
        self.waID = waID
    }

    enum CodingKeys: String, CodingKey {
        case waID = "wa_id"
    }
}
