import Delivery
import Foundation
import Logging
import Store
import Translation

/// Keeps a sent message in the history and queues its echo (`fromMe` true, `self` 1) for the channel's webhooks: the
/// same for a 1MSG send and a Cloud surface send, so one history holds both.
struct SentMessageRecorder: Sendable {
    let store: any BridgeStore
    let signal: DeliverySignal

    /// The message was sent, so the client gets its wamid even if this write fails: log, don't fail.
    func record(_ sent: SendOperation.Translated, id: String, channel: ChannelRecord, logger: Logger) async {
        let now = Date()
        do {
            let item = ClientEvents.echo(of: sent, id: id, channel: channel, time: now)
            let encoded = Array(try ClientEvents.encoder.encode(item))
            let echo = try ClientEvents.queued(item, encoded: encoded, channel: channel)
            try await store.recordMessage(
                StoredMessage(
                    channelID: channel.id, id: id, chatID: sent.recipient.chatId, fromMe: true, type: sent.historyType,
                    body: sent.historyBody, quotedMsgID: sent.quotedMsgId, time: now, event: encoded),
                events: echo.map { [$0] } ?? [])
            if echo != nil { signal.notify() }
        } catch {
            logger.error("could not record sent message", metadata: ["error": "\(error)"])
        }
    }
}
