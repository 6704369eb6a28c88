import Cloud
import Foundation

/// One Meta event pushed to clients as Meta sent it: a call event or a group event.
public struct PassthroughEvent: Sendable, Hashable {
    /// The 1MSG `type` at the root of the pushed body: `calls` or `groups`.
    public var type: String
    /// The chat whose delivery line the event waits in: `<number>@c.us` for a call, `<group id>@g.us` for a group.
    public var chatId: String
    /// What makes the event the same one when Meta delivers it again (the kind and the item as Meta sent it).
    public var key: String
    /// Meta's change value with its one item (`calls`, `statuses` or `groups` holds just it), member for member.
    public var value: [String: CloudJSON]

    public init(type: String, chatId: String, key: String, value: [String: CloudJSON]) {
        self.type = type
        self.chatId = chatId
        self.key = key
        self.value = value
    }
}

/// Meta's `calls` and group webhooks → events pushed to clients as 1MSG does for calls: Meta's change value with
/// `instanceId` and `type` added at the root, one event per call, call status or group item. Pure.
public enum PassthroughTranslation {
    /// The fields whose changes are group events (Meta's spec names the participants field in the singular, its
    /// example and the live webhooks in the plural).
    public static let groupFields: Set<String> = [
        "group_lifecycle_update", "group_participants_update", "group_participant_update", "group_settings_update",
    ]

    /// The events of one change; none for other fields. `value` is the change's `value` exactly as Meta sent it.
    public static func events(field: String, value: CloudJSON) -> [PassthroughEvent] {
        guard case .object(let members) = value else { return [] }
        if field == "calls" {
            let calls = items(members["calls"]).map { call in
                event("calls", item: call, in: "calls", of: members, chat: userChat(customer(ofCall: call)))
            }
            let statuses = items(members["statuses"]).map { status in
                event("calls", item: status, in: "statuses", of: members, chat: userChat(status["recipient_id"]?.text))
            }
            return calls + statuses
        }
        if groupFields.contains(field) {
            return items(members["groups"]).map { group in
                event("groups", item: group, in: "groups", of: members, chat: group["group_id"]?.text.map { "\($0)@g.us" } ?? "")
            }
        }
        return []
    }

    /// The customer on a call: the callee of a business-initiated call, the caller otherwise.
    static func customer(ofCall call: CloudJSON) -> String? {
        call["direction"]?.text?.uppercased() == "BUSINESS_INITIATED" ? call["to"]?.text : call["from"]?.text
    }

    static func userChat(_ id: String?) -> String {
        guard let id, !id.isEmpty else { return "" }
        return id.allSatisfy(\.isNumber) ? "\(id)@c.us" : "\(id)@lid"
    }

    static func items(_ array: CloudJSON?) -> [CloudJSON] {
        if case .array(let items)? = array { items } else { [] }
    }

    static func event(_ type: String, item: CloudJSON, in member: String, of members: [String: CloudJSON], chat: String) -> PassthroughEvent {
        var value = members
        for name in ["calls", "statuses", "groups"] { value[name] = nil }
        value[member] = .array([item])
        return PassthroughEvent(type: type, chatId: chat, key: "\(type):\(member):\(canonical(item))", value: value)
    }

    /// The item as JSON text with sorted keys, the same for every delivery of it.
    static func canonical(_ item: CloudJSON) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(item)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }
}
