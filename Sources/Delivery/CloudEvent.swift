import Cloud
import Foundation

/// One event for a channel's event sinks: a CloudEvents 1.0 document in structured JSON mode
/// (`application/cloudevents+json`). Pure: building and encoding do no I/O.
///
/// The `id` comes from Meta's identity of the event, so that the same Meta event delivered twice makes the same
/// document and receivers may deduplicate on it: the wamid for a received message, `<wamid>/<status>` for a status,
/// `template/<template id>/<event>/<entry time>` for a template status.
public struct CloudEvent: Sendable, Hashable {
    /// The event types the bridge sends (`type`).
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case messageReceived = "whatsapp-business-message-received"
        case messageSent = "whatsapp-business-message-sent"
        case messageDelivered = "whatsapp-business-message-delivered"
        case messageRead = "whatsapp-business-message-read"
        case messageFailed = "whatsapp-business-message-failed"
        case templateStatusUpdated = "whatsapp-business-template-status-updated"

        /// The type of one of Meta's statuses of an outbound message; `nil` for the statuses that have no event.
        public init?(status: String) {
            switch status.lowercased() {
            case "sent": self = .messageSent
            case "delivered": self = .messageDelivered
            case "read": self = .messageRead
            case "failed": self = .messageFailed
            default: return nil
            }
        }
    }

    /// The document's first bytes, which ``encoded()`` always writes first (``OutboxBodyFormat`` relies on it).
    public static let documentPrefix = Array(#"{"specversion":"1.0","#.utf8)

    public var id: String
    public var kind: Kind
    /// The channel the event belongs to; `source` is `/onemsg-bridge/<channelID>`.
    public var channelID: String
    /// The chat (`<digits>@c.us`) or, for a template status, the template's name; left out when empty.
    public var subject: String
    /// When Meta says the event happened.
    public var time: Date
    /// The `data` member, already encoded as JSON.
    public var data: [UInt8]

    /// An event.
    public init(id: String, kind: Kind, channelID: String, subject: String, time: Date, data: [UInt8]) {
        self.id = id
        self.kind = kind
        self.channelID = channelID
        self.subject = subject
        self.time = time
        self.data = data
    }

    /// The `source` attribute.
    public var source: String { "/onemsg-bridge/\(channelID)" }

    /// The structured-mode document. Written member by member so that `specversion` comes first (the dispatcher tells
    /// an event from a 1MSG body by it) and `data` is embedded as it was encoded.
    public func encoded() throws -> [UInt8] {
        let encoder = ClientEvents.encoder
        var document = Self.documentPrefix
        document += Array(#""id":"#.utf8) + Array(try encoder.encode(id))
        document += Array(#","source":"#.utf8) + Array(try encoder.encode(source))
        document += Array(#","type":"#.utf8) + Array(try encoder.encode(kind.rawValue))
        if !subject.isEmpty { document += Array(#","subject":"#.utf8) + Array(try encoder.encode(subject)) }
        document += Array(#","time":"#.utf8) + Array(try encoder.encode(Self.timestamp(time)))
        document += Array(#","datacontenttype":"application/json","data":"#.utf8) + data
        document += Array("}".utf8)
        return document
    }

    /// RFC 3339 in UTC, whole seconds (Meta's timestamps have no fraction).
    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!))
    }

    /// `{"meta": <Meta's object>, "onemsg": <the 1MSG item>}`, either member left out when absent.
    public static func data(onemsg item: [UInt8]?, meta: CloudJSON?) throws -> [UInt8] {
        var members: [[UInt8]] = []
        if let meta { members.append(Array(#""meta":"#.utf8) + Array(try ClientEvents.encoder.encode(meta))) }
        if let item { members.append(Array(#""onemsg":"#.utf8) + item) }
        return Array("{".utf8) + members.joined(separator: Array(",".utf8)) + Array("}".utf8)
    }
}

extension CloudEvent {
    /// A customer's message: the 1MSG `messages` item (encoded) and Meta's message object as received.
    public static func messageReceived(
        wamid: String, channelID: String, chatID: String, time: Date, item: [UInt8], meta: CloudJSON?
    ) throws -> CloudEvent {
        CloudEvent(
            id: wamid, kind: .messageReceived, channelID: channelID, subject: chatID, time: time,
            data: try data(onemsg: item, meta: meta))
    }

    /// A status of an outbound message: the 1MSG `ack` item and Meta's status object; `nil` for a status that has no
    /// event type (Meta's `deleted`, `warning`, …).
    public static func status(
        _ status: String, wamid: String, channelID: String, chatID: String, time: Date, item: [UInt8], meta: CloudJSON?
    ) throws -> CloudEvent? {
        guard let kind = Kind(status: status) else { return nil }
        return CloudEvent(
            id: "\(wamid)/\(status.lowercased())", kind: kind, channelID: channelID, subject: chatID, time: time,
            data: try data(onemsg: item, meta: meta))
    }

    /// A `message_template_status_update`: `data` is Meta's value as sent (`event`, `message_template_id`,
    /// `message_template_name`, `message_template_language`, `reason`, …). `entryTime` is the entry's `time`.
    public static func templateStatus(value: CloudJSON, channelID: String, entryTime: Date) throws -> CloudEvent {
        CloudEvent(
            id: "template/\(value["message_template_id"]?.text ?? "")/\(value["event"]?.text ?? "")/\(Int(entryTime.timeIntervalSince1970))",
            kind: .templateStatusUpdated, channelID: channelID, subject: value["message_template_name"]?.text ?? "",
            time: entryTime, data: Array(try ClientEvents.encoder.encode(value)))
    }
}

/// What an outbox body is, told by its first bytes (the outbox keeps no content type: no migration needed). A
/// CloudEvent document always starts with ``CloudEvent/documentPrefix``; a 1MSG body never does, since every 1MSG body
/// has an `instanceId` member and its keys are sorted, so it starts with `{"` and a key before `specversion`.
public enum OutboxBodyFormat: Sendable, Hashable {
    /// A 1MSG webhook body (`messages`, `ack`, raw and passthrough events).
    case oneMsg
    /// One CloudEvents document in structured mode.
    case cloudEvent
    /// A CloudEvents batch: a JSON array of documents.
    case cloudEventBatch

    /// The format of `body`.
    public init(of body: [UInt8]) {
        let prefix = CloudEvent.documentPrefix
        if body.starts(with: prefix) {
            self = .cloudEvent
        } else if body.first == UInt8(ascii: "["), body.dropFirst().starts(with: prefix) {
            self = .cloudEventBatch
        } else {
            self = .oneMsg
        }
    }

    /// The `Content-Type` a body of this format is POSTed with.
    public var contentType: String {
        switch self {
        case .oneMsg: "application/json"
        case .cloudEvent: "application/cloudevents+json"
        case .cloudEventBatch: "application/cloudevents-batch+json"
        }
    }
}
