/// `GET /flows`: every Flow of the channel's business account, as Meta describes each (`id`, `name`, `status`,
/// `categories`, `validation_errors`, or the `fields` asked for). The bridge reads every page, so `paging` is
/// empty and `count` equals `total`.
public struct FlowListReply: Codable, Sendable, Hashable {
    /// Meta's Flow objects, verbatim.
    public var items: [FieldValue]
    /// Always `{}`: there is no further page to ask for.
    public var paging: [String: FieldValue]
    public var count: Int
    public var total: Int

    public init(items: [FieldValue]) {
        self.items = items
        self.paging = [:]
        self.count = items.count
        self.total = items.count
    }
}

/// `POST /flows`: the new Flow's id and Meta's findings in its Flow JSON (empty without one, or when it is valid).
public struct FlowCreatedReply: Codable, Sendable, Hashable {
    public var id: String
    public var success: Bool
    /// Meta's validation errors, verbatim (`error`, `error_type`, `message`, `line_start`, `column_start`, …).
    public var validationErrors: [FieldValue]

    public init(id: String, success: Bool, validationErrors: [FieldValue]) {
        self.id = id
        self.success = success
        self.validationErrors = validationErrors
    }
}

/// `PATCH /flows/{flowId}/assets`: whether Meta stored the Flow JSON, and what it found wrong in it.
public struct FlowAssetsReply: Codable, Sendable, Hashable {
    public var success: Bool
    /// Meta's validation errors, verbatim; a Flow with any cannot be published.
    public var validationErrors: [FieldValue]

    public init(success: Bool, validationErrors: [FieldValue]) {
        self.success = success
        self.validationErrors = validationErrors
    }
}

/// `GET /flows/{flowId}/preview`: the link that shows the Flow in a browser, and when it stops working.
public struct FlowPreviewReply: Codable, Sendable, Hashable {
    public var id: String
    public var previewUrl: String?
    /// Meta's time text, e.g. `2023-05-21T11:18:09+0000`.
    public var expiresAt: String?

    public init(id: String, previewUrl: String?, expiresAt: String?) {
        self.id = id
        self.previewUrl = previewUrl
        self.expiresAt = expiresAt
    }
}
