/// `GET /groups`: one page of the channel's active groups, with the cursors for the pages around it.
public struct GroupsReply: Codable, Sendable, Hashable {
    /// The groups as Meta lists them (`id`, `subject`, `created_at`); `id` is the `groupId` of the other operations.
    public var groups: [FieldValue]
    /// How many groups this page holds.
    public var count: Int
    /// Pass as `?before=` for the preceding page.
    public var before: String?
    /// Pass as `?after=` for the following page.
    public var after: String?
    /// Whether a following page exists.
    public var hasMore: Bool

    /// A page of `groups`; `count` is theirs.
    public init(groups: [FieldValue], before: String? = nil, after: String? = nil, hasMore: Bool = false) {
        self.groups = groups
        self.count = groups.count
        self.before = before
        self.after = after
        self.hasMore = hasMore
    }
}

/// `POST /groups`: Meta took the request. The group is created asynchronously: its id arrives later in a
/// `group_lifecycle_update` webhook (`type: group_create`) carrying the same `requestId`.
public struct GroupCreatedReply: Codable, Sendable, Hashable {
    /// Always `true`: Meta took the request.
    public var success: Bool
    /// Meta's `request_id`, repeated in the webhook that brings the new group's id.
    public var requestId: String
    /// What happens next, in words a person can act on.
    public var message: String

    /// The reply for Meta's request id.
    public init(requestId: String) {
        self.success = true
        self.requestId = requestId
        self.message =
            "Group creation requested; the group id arrives in a group_lifecycle_update webhook (type group_create) with this requestId"
    }
}

/// `POST /groups/{groupId}` (settings updated) and `DELETE /groups/{groupId}` (the group deleted).
public struct GroupChangedReply: Codable, Sendable, Hashable {
    /// Meta's outcome.
    public var success: Bool
    /// Meta's answer, as Meta gave it (deletion only).
    public var response: FieldValue?

    /// A reply with Meta's outcome and, for a deletion, Meta's answer.
    public init(success: Bool, response: FieldValue? = nil) {
        self.success = success
        self.response = response
    }
}

/// `GET` and `POST /groups/{groupId}/inviteLink`: the group's current (or newly made) invitation link.
public struct GroupInviteLinkReply: Codable, Sendable, Hashable {
    /// `https://chat.whatsapp.com/…`.
    public var inviteLink: String

    /// A reply carrying the link.
    public init(inviteLink: String) {
        self.inviteLink = inviteLink
    }
}
