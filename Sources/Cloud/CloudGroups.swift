/// `GET /{phone-number-id}/groups`: one page of the number's active groups. Meta nests the list in
/// `data.groups` (not `data` itself, as other Graph lists do).
public struct CloudGroupList: Codable, Sendable, Hashable {
    /// The `data` member: the groups of this page.
    public struct Data: Codable, Sendable, Hashable {
        /// Each group as Meta lists it (`id`, `subject`, `created_at`), kept as given.
        public var groups: [CloudJSON]

        /// A page of these groups.
        public init(groups: [CloudJSON]) {
            self.groups = groups
        }
    }

    /// The groups of the page; absent when Meta sends none.
    public var data: Data?
    /// The cursors around the page; absent on an empty page.
    public var paging: CloudGroupPaging?

    /// A page of `groups` with its paging.
    public init(groups: [CloudJSON], paging: CloudGroupPaging? = nil) {
        self.data = Data(groups: groups)
        self.paging = paging
    }
}

/// Graph's paging block of the group list: the cursors around the page, and `next` when more follow.
public struct CloudGroupPaging: Codable, Sendable, Hashable {
    /// The opaque cursors around a page.
    public struct Cursors: Codable, Sendable, Hashable {
        /// The cursor of the page's first item.
        public var before: String?
        /// The cursor of the page's last item.
        public var after: String?

        /// Cursors with these values.
        public init(before: String? = nil, after: String? = nil) {
            self.before = before
            self.after = after
        }
    }

    /// The cursors of the first and last item of the page.
    public var cursors: Cursors?
    /// The URL of the following page; absent on the last page.
    public var next: String?
    /// The URL of the preceding page; absent on the first page.
    public var previous: String?

    /// Paging with these cursors and links.
    public init(cursors: Cursors? = nil, next: String? = nil, previous: String? = nil) {
        self.cursors = cursors
        self.next = next
        self.previous = previous
    }
}

/// `POST /{phone-number-id}/groups`: Meta takes the request and creates the group later; the group id
/// arrives in a `group_lifecycle_update` webhook (`type: group_create`) that carries the same `request_id`.
public struct CloudGroupCreated: Codable, Sendable, Hashable {
    /// Always `whatsapp`.
    public var messagingProduct: String?
    /// Meta's id of the creation request, repeated in the webhook that brings the group id.
    public var requestID: String

    /// An acknowledgement of the request `requestID`.
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
    /// Always `whatsapp`.
    public var messagingProduct: String?
    /// `https://chat.whatsapp.com/…`.
    public var inviteLink: String

    /// An answer carrying `inviteLink`.
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
    /// Meta's `success`; absent counts as done.
    public var success: Bool?

    /// An answer with this `success`.
    public init(success: Bool? = true) {
        self.success = success
    }
}

/// The page of `GET /{phone-number-id}/groups` to fetch: `limit` (1…1024) and one cursor.
public struct CloudGroupListQuery: Sendable, Hashable {
    /// Groups per page (Meta: 1…1024, default 25).
    public var limit: Int?
    /// Fetch the page that ends before this cursor.
    public var before: String?
    /// Fetch the page that starts after this cursor.
    public var after: String?

    /// The page of `limit` groups before or after a cursor.
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
