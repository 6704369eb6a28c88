import Cloud
import Delivery
import Foundation
import Hummingbird
import Logging
import OneMsg
import Store
import Translation

/// The 1MSG send operations: decode → validate → translate → one upstream call → reply → record.
struct SendController: Sendable {
    let cloud: CloudClient
    let store: any BridgeStore
    let metrics: BridgeMetrics
    let signal: DeliverySignal

    func register(on group: RouterGroup<BridgeRequestContext>) {
        for operation in SendOperation.allCases {
            group.oneMsg(.post, operation.rawValue) { _, context in
                try await send(operation, context: context)
            }
        }
    }

    func send(_ operation: SendOperation, context: BridgeRequestContext) async throws -> SendReply {
        let channel = try context.authenticatedChannel()
        let translated: SendOperation.Translated
        do {
            translated = try operation.translate(context.fields)
        } catch {
            throw BridgeError.invalid(error)
        }
        let outcome = await cloud.sendMessage(translated.message, channel: channel)
        let reply = ReplyTranslation.sendReply(outcome, recipient: translated.recipient)
        metrics.recordUpstream(operation: operation.rawValue, outcome: Self.outcomeLabel(outcome))
        if reply.sent, let id = reply.id {
            await record(translated, id: id, channel: channel, logger: context.logger)
        }
        return reply
    }

    /// Keeps the sent message in the history and queues its echo (`fromMe` true, `self` 1). The message
    /// was sent, so the client gets its wamid even if this write fails: log, don't fail.
    private func record(_ sent: SendOperation.Translated, id: String, channel: ChannelRecord, logger: Logger) async {
        let now = Date()
        do {
            let item = ClientEvents.echo(of: sent, id: id, channel: channel, time: now)
            let echo = try ClientEvents.queued(item, channel: channel)
            try await store.recordMessage(
                StoredMessage(
                    channelID: channel.id, id: id, chatID: sent.recipient.chatId, fromMe: true, type: sent.historyType,
                    body: sent.historyBody, quotedMsgID: sent.quotedMsgId, time: now,
                    event: Array(try ClientEvents.encoder.encode(item))),
                events: echo.map { [$0] } ?? [])
            if echo != nil { signal.notify() }
        } catch {
            logger.error("could not record sent message", metadata: ["error": "\(error)"])
        }
    }

    static func outcomeLabel(_ outcome: Result<CloudSendResponse, CloudCallFailure>) -> String {
        switch outcome {
        case .success: "accepted"
        case .failure(.refused): "refused"
        case .failure(.unexpectedResponse): "unexpected_response"
        case .failure(.unreachable): "unreachable"
        case .failure(.timedOut): "timeout"
        case .failure(.interrupted): "interrupted"
        }
    }
}

extension SendReply: ResponseEncodable {}
extension ErrorReply: ResponseEncodable {}

extension RouterGroup where Context == BridgeRequestContext {
    /// Registers a 1MSG operation under both `/{channelId}/{operation}` and `/{operation}`.
    func oneMsg<Output: ResponseGenerator>(
        _ method: HTTPRequest.Method,
        _ operation: String,
        handler: @escaping @Sendable (Request, BridgeRequestContext) async throws -> Output
    ) {
        on(RouterPath(operation), method: method, use: handler)
        on(RouterPath(":channelId/\(operation)"), method: method, use: handler)
    }
}
