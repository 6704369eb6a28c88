import Foundation

/// An event pushed as Meta sent it (a call or group event, a template status), queued only the first time its key is
/// seen on its channel.
public struct KeyedEventCommit: Sendable, Hashable {
    /// The channel the event belongs to.
    public var channelID: String
    /// What makes a delivery of the event the same one again (any length; the store may keep a digest of it).
    public var key: String
    /// One per body (the webhook URLs' and the event sinks'); empty when there is no receiver (the key is still
    /// remembered).
    public var events: [QueuedEvent]

    /// A keyed event.
    public init(channelID: String, key: String, events: [QueuedEvent]) {
        self.channelID = channelID
        self.key = key
        self.events = events
    }

    /// A keyed event with at most one body.
    public init(channelID: String, key: String, event: QueuedEvent?) {
        self.init(channelID: channelID, key: key, events: event.map { [$0] } ?? [])
    }
}

/// A contact in the address book of a channel's WhatsApp Business App, as `smb_app_state_sync` reported it.
public struct BusinessContact: Sendable, Hashable {
    /// The channel whose Business App the contact is in.
    public var channelID: String
    /// The contact's number, digits only.
    public var phone: String
    /// The name in the address book.
    public var fullName: String?
    /// The first name in the address book.
    public var firstName: String?
    /// When the Business App made the change that the record reflects.
    public var changedAt: Date

    /// A contact as of `changedAt`.
    public init(channelID: String, phone: String, fullName: String?, firstName: String?, changedAt: Date) {
        self.channelID = channelID
        self.phone = phone
        self.fullName = fullName
        self.firstName = firstName
        self.changedAt = changedAt
    }
}

/// One `smb_app_state_sync` item: a contact added (or edited) or removed. A change older than the one stored for
/// the same number is ignored, so a late retry never brings back a removed contact.
public struct BusinessContactChange: Sendable, Hashable {
    /// The contact, with the time of the change.
    public var contact: BusinessContact
    /// `true` for a removal (the names are then absent).
    public var removed: Bool

    /// A contact change.
    public init(contact: BusinessContact, removed: Bool) {
        self.contact = contact
        self.removed = removed
    }
}

/// A user's business-scoped id changed (`user_id_update`): the identities and the history follow the new one.
public struct UserIDChange: Sendable, Hashable {
    /// The channel whose customer it is.
    public var channelID: String
    /// The business-scoped id the user had.
    public var previous: String
    /// The business-scoped id the user has now.
    public var current: String

    /// A change of business-scoped id.
    public init(channelID: String, previous: String, current: String) {
        self.channelID = channelID
        self.previous = previous
        self.current = current
    }
}
