import Cloud
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

    func register(on group: RouterGroup<BridgeRequestContext>) {
        for operation in SendOperation.allCases {
            group.oneMsgPost(operation.rawValue) { _, context in
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
            await record(
                StoredMessage(
                    channelID: channel.id, id: id, chatID: translated.recipient.chatId, fromMe: true,
                    type: translated.historyType, body: translated.historyBody, quotedMsgID: translated.quotedMsgId,
                    time: Date()),
                logger: context.logger)
        }
        return reply
    }

    /// A sent message is the client's to know about even if the history write fails: log, don't fail.
    private func record(_ message: StoredMessage, logger: Logger) async {
        do {
            try await store.recordMessage(message)
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
    /// Registers a 1MSG POST operation under both `/{channelId}/{operation}` and `/{operation}`.
    func oneMsgPost<Output: ResponseGenerator>(
        _ operation: String,
        handler: @escaping @Sendable (Request, BridgeRequestContext) async throws -> Output
    ) {
        post(RouterPath(operation), use: handler)
        post(RouterPath(":channelId/\(operation)"), use: handler)
    }
}
