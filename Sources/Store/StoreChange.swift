/// A change that one bridge process tells the others on the same database about, so that they drop what they
/// cached or look for new work. ``PostgresStore`` sends it with `NOTIFY` as a short text payload; a store only one
/// process serves from (``SQLiteStore``) sends nothing.
public enum StoreChange: Sendable, Hashable {
    /// Events were queued or dead letters replayed: dispatchers should look for due work.
    case outboxQueued
    /// A channel was added, removed, or its token, settings or credentials changed.
    case channel(id: String)
    /// A channel's message templates changed through the bridge (its cached template list is stale).
    case templates(channelID: String)
    /// Changes may have been missed (the follower connected or reconnected): drop every cache, look for work.
    case resync

    /// The `NOTIFY` payload: `outbox`, `channel:<id>`, `templates:<id>` or `resync`.
    public var payload: String {
        switch self {
        case .outboxQueued: "outbox"
        case .channel(let id): "channel:\(id)"
        case .templates(let channelID): "templates:\(channelID)"
        case .resync: "resync"
        }
    }

    /// The change a payload names; `nil` for one this version does not know (a newer instance's), which is ignored.
    public init?(payload: String) {
        let (kind, argument) =
            if let colon = payload.firstIndex(of: ":") {
                (payload[..<colon], String(payload[payload.index(after: colon)...]))
            } else {
                (payload[...], "")
            }
        switch (kind, argument.isEmpty) {
        case ("outbox", true): self = .outboxQueued
        case ("resync", true): self = .resync
        case ("channel", false): self = .channel(id: argument)
        case ("templates", false): self = .templates(channelID: argument)
        default: return nil
        }
    }
}
