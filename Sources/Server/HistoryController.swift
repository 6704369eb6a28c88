import Foundation
import Hummingbird
import OneMsg
import Store

/// `GET /messages` (the channel's history) and `GET /hookInfo` (stored Meta statuses of one message).
struct HistoryController: Sendable {
    let store: any BridgeStore

    func register(on group: RouterGroup<OneMsgRequestContext>) {
        group.oneMsg(.get, "messages") { request, context in try await messages(request: request, context: context) }
        group.oneMsg(.get, "hookInfo") { request, context in try await hookInfo(request: request, context: context) }
    }

    func messages(request: Request, context: OneMsgRequestContext) async throws -> Response {
        let channel = context.channel
        var reader = FieldReader(
            RequestFields(
                values: request.uri.queryParameters.reduce(into: [:]) { values, pair in
                    values[String(pair.key)] = .string(String(pair.value))
                }))
        // 1MSG's generated SDKs send every integer filter, 0 for the ones not in use
        // (`lastMessageNumber=0&firstMessageNumber=0&min_time=0&max_time=0`): a 0 bound is "not set".
        // `limit=0` is 1MSG's documented "all".
        var query = HistoryQuery()
        query.last = reader.bool("last") ?? false
        query.afterMessageNumber = reader.integer("lastMessageNumber", minimum: 0).flatMap(Self.unlessZero)
        query.fromMessageNumber = reader.integer("firstMessageNumber", minimum: 0).flatMap(Self.unlessZero)
        if let limit = reader.integer("limit", minimum: 0) { query.limit = limit == 0 ? nil : Int(limit) }
        if let chat = reader.text("chatId") {
            if let recipient = Recipient(chatId: chat) {
                query.chatID = recipient.chatId
            } else {
                reader.report("chatId", "must look like <digits>@c.us, <group id>@g.us or <user id>@lid")
            }
        }
        query.minTime = reader.integer("min_time", minimum: 0).flatMap(Self.unlessZero).map { Date(timeIntervalSince1970: TimeInterval($0)) }
        query.maxTime = reader.integer("max_time", minimum: 0).flatMap(Self.unlessZero).map { Date(timeIntervalSince1970: TimeInterval($0)) }
        query.messageID = reader.text("msgId")
        guard reader.problems.isEmpty else { throw BridgeError.invalid(ValidationError(reader.problems)) }
        let entries = try await BridgeError.storing { try await store.history(channelID: channel.id, query: query) }
        return try BridgeJSON.response(["messages": entries.map(Self.historyItem)])
    }

    /// A filter bound, or `nil` for 0 (not set).
    static func unlessZero(_ value: Int64) -> Int64? {
        value == 0 ? nil : value
    }

    func hookInfo(request: Request, context: OneMsgRequestContext) async throws -> Response {
        let channel = context.channel
        guard let messageID = request.uri.queryParameters["messageId"].map(String.init), !messageID.isEmpty else {
            throw BridgeError.invalid(ValidationError([FieldProblem(field: "messageId", rule: "is required")]))
        }
        let hooks = try await BridgeError.storing { try await store.statuses(channelID: channel.id, messageID: messageID) }
        let objects = hooks.compactMap { try? JSONDecoder().decode(FieldValue.self, from: Data($0)) }
        return try BridgeJSON.response(["hooks": FieldValue.array(objects.map(Self.hookItem))])
    }

    /// A history row as 1MSG's `/messages` shows it: the pushed item plus `messageNumber`, with
    /// `isForwarded` as an integer (1MSG's history uses 0/1 where webhooks use booleans).
    static func historyItem(_ entry: HistoryEntry) -> FieldValue {
        var item: [String: FieldValue] = [:]
        if let event = entry.message.event, case .object(let members)? = try? JSONDecoder().decode(FieldValue.self, from: Data(event)) {
            item = members
        } else {
            item = [
                "id": .string(entry.message.id), "body": .string(entry.message.body), "fromMe": .bool(entry.message.fromMe),
                "self": .number(entry.message.fromMe ? "1" : "0"), "chatId": .string(entry.message.chatID),
                "time": .number(String(Int(entry.message.time.timeIntervalSince1970))), "type": .string(entry.message.type),
            ]
        }
        if case .bool(let forwarded)? = item["isForwarded"] { item["isForwarded"] = .number(forwarded ? "1" : "0") }
        if item["isForwarded"] == nil { item["isForwarded"] = .number("0") }
        if let meta = item.removeValue(forKey: "meta") { item["metadata"] = meta }
        item["messageNumber"] = .number(String(entry.messageNumber))
        return .object(item)
    }

    /// Meta's status object with the `type` 1MSG adds.
    static func hookItem(_ status: FieldValue) -> FieldValue {
        guard case .object(var members) = status else { return status }
        members["type"] = .string("message")
        return .object(members)
    }
}

extension FieldReader {
    /// A whole number, from a JSON number or text, not below `minimum`.
    public mutating func integer(_ name: String, minimum: Int64) -> Int64? {
        guard let text = text(name) else { return nil }
        guard let value = Int64(text), value >= minimum else {
            report(name, "must be a whole number of at least \(minimum)")
            return nil
        }
        return value
    }
}
