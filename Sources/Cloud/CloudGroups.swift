/// `GET /{phone-number-id}/groups`: one page of the number's active groups. Meta nests the list in
/// `data.groups` (not `data` itself, as other Graph lists do).
public struct CloudGroupList: Codable, Sendable, Hashable {
    /// The `data` member: the groups of this page.
    public struct Data: Codable, Sendable, Hashable {
        /// Each group as Meta lists it (`id`, `subject`, `created_at`), kept as given.
        public var groups: [CloudJSON]

        public init(groups: [CloudJSON]) {
            self.groups = groups
        }
    }

    public var data: Data?
    public var paging: CloudGroupPaging?

    public init(groups: [CloudJSON], paging: CloudGroupPaging? = nil) {
        self.data = Data(groups: groups)
        self.paging = paging
    }
}

/// Graph's paging block of the group list: the cursors around the page, and `next` when more follow.
public struct CloudGroupPaging: Codable, Sendable, Hashable {
    /// The opaque cursors around a page.
    public struct Cursors: Codable, Sendable, Hashable {
        public var before: String?
        public var after: String?

        public init(before: String? = nil, after: String? = nil) {
            self.before = before
            self.after = after
        }
    }

    public var cursors: Cursors?
    /// The URL of the following page; absent on the last page.
    public var next: String?
    /// The URL of the preceding page; absent on the first page.
    public var previous: String?

    public init(cursors: Cursors? = nil, next: String? = nil, previous: String? = nil) {
        self.cursors = cursors
        self.next = next
        self.previous = previous
    }
}

/// `POST /{phone-number-id}/groups`: Meta takes the request and creates the group later; the group id
/// arrives in a `group_lifecycle_update` webhook (`type: group_create`) that carries the same `request_id`.
public struct CloudGroupCreated: Codable, Sendable, Hashable {
    public var messagingProduct: String?
    public var requestID: String

    public init(requestID: String, messagingProduct: String? = "whatsapp") {
        self.requestID = requestID
        self.messagingProduct = messagingProduct
    }

    enum CodingKeys: String, CodingKey {
        case messagingProduct = "messaging_product"
        case requestID = "request_id"
    }
}

/// `GET` or `POST /{group-id}/invite_link`: the group's current (or new) invitation link.
public struct CloudGroupInviteLink: Codable, Sendable, Hashable {
    public var messagingProduct: String?
    public var inviteLink: String

    public init(inviteLink: String, messagingProduct: String? = "whatsapp") {
        self.inviteLink = inviteLink
        self.messagingProduct = messagingProduct
    }

    enum CodingKeys: String, CodingKey {
        case messagingProduct = "messaging_product"
        case inviteLink = "invite_link"
    }
}

/// Meta's answer to a group change (`POST /{group-id}` settings, `DELETE /{group-id}`): `{"success": true}`,
/// though the spec documents no body for the settings update, so a missing `success` counts as done.
public struct CloudGroupChanged: Codable, Sendable, Hashable {
    public var success: Bool?

    public init(success: Bool? = true) {
        self.success = success
    }
}

/// The page of `GET /{phone-number-id}/groups` to fetch: `limit` (1…1024) and one cursor.
public struct CloudGroupListQuery: Sendable, Hashable {
    public var limit: Int?
    public var before: String?
    public var after: String?

    public init(limit: Int? = nil, before: String? = nil, after: String? = nil) {
        self.limit = limit
        self.before = before
        self.after = after
    }

    /// The query items, in Meta's names.
    public var items: [(name: String, value: String)] {
        var items: [(name: String, value: String)] = []
        if let limit { items.append(("limit", String(limit))) }
        if let before { items.append(("before", before)) }
        if let after { items.append(("after", after)) }
        return items
    }
}
