/// `POST /{waba-id}/flows` answers the new Flow's id and, when a Flow JSON came with it, Meta's findings in it.
public struct CloudFlowCreated: Codable, Sendable, Hashable {
    public var id: String
    public var success: Bool?
    /// Meta's validation errors of the Flow JSON (`{error, error_type, message, line_start, …}`), kept verbatim.
    public var validationErrors: [CloudJSON]?

    public init(id: String, success: Bool? = nil, validationErrors: [CloudJSON]? = nil) {
        self.id = id
        self.success = success
        self.validationErrors = validationErrors
    }

    enum CodingKeys: String, CodingKey {
        case id, success
        case validationErrors = "validation_errors"
    }
}

/// `POST /{flow-id}/assets` answers whether the Flow JSON was stored and what Meta found wrong in it.
public struct CloudFlowAssetsResult: Codable, Sendable, Hashable {
    public var success: Bool
    /// Meta's validation errors, kept verbatim; a Flow with any cannot be published.
    public var validationErrors: [CloudJSON]?

    public init(success: Bool, validationErrors: [CloudJSON]? = nil) {
        self.success = success
        self.validationErrors = validationErrors
    }

    enum CodingKeys: String, CodingKey {
        case success
        case validationErrors = "validation_errors"
    }
}

/// `GET /{flow-id}?fields=preview.invalidate(false)`: the Flow's web preview link and when it stops working.
public struct CloudFlowPreview: Codable, Sendable, Hashable {
    /// The `preview` member.
    public struct Preview: Codable, Sendable, Hashable {
        public var previewURL: String?
        /// Meta's time text, e.g. `2023-05-21T11:18:09+0000`.
        public var expiresAt: String?

        public init(previewURL: String?, expiresAt: String?) {
            self.previewURL = previewURL
            self.expiresAt = expiresAt
        }

        enum CodingKeys: String, CodingKey {
            case previewURL = "preview_url"
            case expiresAt = "expires_at"
        }
    }

    public var id: String?
    public var preview: Preview?

    public init(id: String?, preview: Preview?) {
        self.id = id
        self.preview = preview
    }

    /// The field expansion that asks for the current link without invalidating it.
    public static let fields = "preview.invalidate(false)"
}
