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
    let graph: any GraphAPI
    let store: any BridgeStore
    let metrics: BridgeMetrics
    let signal: DeliverySignal
    /// Which failed sends are tried again before the client gets its answer.
    let retry: SendRetryPolicy

    func register(on group: RouterGroup<OneMsgRequestContext>) {
        for operation in SendOperation.allCases {
            group.oneMsg(.post, operation.rawValue) { request, context in
                try await send(operation, idempotencyKey: try IdempotencyKeyHeader.read(request.headers), context: context)
            }
        }
        group.oneMsg(.post, "readMessage") { _, context in try await readMessage(context: context) }
    }

    func send(_ operation: SendOperation, idempotencyKey: String?, context: OneMsgRequestContext) async throws -> SendAnswer {
        let channel = context.channel
        let translated: SendOperation.Translated
        let fields = try await resolvingUsername(in: context.fields, channelID: channel.id)
        do {
            translated = try operation.translate(fields)
        } catch {
            throw BridgeError.invalid(error)
        }
        for note in translated.notes {
            context.logger.info("request adjusted for the Cloud API", metadata: ["operation": "\(operation.rawValue)", "note": "\(note)"])
        }
        guard let key = idempotencyKey else { return await deliver(translated, operation: operation, context: context) }
        return try await IdempotencyLedger(store: store).answer(
            key: key, fingerprint: SendFingerprint.of(operation, translated), channelID: channel.id, inFlightLimit: inFlightLimit,
            logger: context.logger, interrupted: { SendAnswer(SendAnswer.unknownAfterInterruption(since: $0)) },
            deliver: { await deliver(translated, operation: operation, context: context) })
    }

    /// How long a send with an idempotency key may take at most (an upload and a send, each retried while Meta is
    /// unreachable, plus the rate-limit window): a retry with the same key within it finds the first still under way.
    var inFlightLimit: Duration { retry.reachWindow * 2 + retry.window + .seconds(5) }

    /// Uploads the file if there is one, sends (with ``retry``), records a sent message and its echo, and answers.
    private func deliver(
        _ translated: SendOperation.Translated, operation: SendOperation, context: OneMsgRequestContext
    ) async -> SendAnswer {
        let channel = context.channel
        var translated = translated
        if let upload = translated.upload {
            switch await graph.uploadMedia(upload, channel: channel) {
            case .success(let media):
                metrics.recordUpstream(operation: "uploadMedia", outcome: "accepted")
                translated = translated.withUploadedMedia(id: media.id)
            case .failure(let failure):
                metrics.recordUpstream(operation: "uploadMedia", outcome: Self.outcomeLabel(failure))
                var reply = ReplyTranslation.failureReply(failure)
                reply.message = "The file upload failed, so nothing was sent. \(reply.message)"
                return SendAnswer(reply, sentNothing: true)
            }
        }
        let outcome = await sendRetrying(translated, operation: operation, channel: channel)
        let reply = ReplyTranslation.sendReply(outcome, recipient: translated.recipient)
        metrics.recordUpstream(operation: operation.rawValue, outcome: Self.outcomeLabel(outcome))
        if reply.sent, let id = reply.id {
            await SentMessageRecorder(store: store, signal: signal).record(translated, id: id, channel: channel, logger: context.logger)
        }
        guard case .failure(let failure) = outcome else { return SendAnswer(reply) }
        let kind = SendFailureKind(failure)
        let sentNothing = kind.nothingWasSent
        if let seconds = SendRetryPolicy.retryAfterSeconds(for: kind) {
            return SendAnswer(reply, status: .tooManyRequests, retryAfterSeconds: seconds, sentNothing: sentNothing)
        }
        return SendAnswer(reply, sentNothing: sentNothing)
    }

    /// One send to Meta, tried again while ``retry`` says Meta certainly did not take it and there is time left.
    private func sendRetrying(
        _ translated: SendOperation.Translated, operation: SendOperation, channel: ChannelRecord
    ) async -> Result<CloudSendResponse, CloudCallFailure> {
        let start = ContinuousClock.now
        var attempt = 1
        while true {
            let outcome =
                translated.isMarketingMessage
                ? await graph.sendMarketingMessage(translated.message, channel: channel)
                : await graph.sendMessage(translated.message, channel: channel)
            guard case .failure(let failure) = outcome else { return outcome }
            let decision = retry.decision(
                after: SendFailureKind(failure), attempt: attempt, elapsed: .now - start, random: .random(in: 0..<1))
            guard case .retry(let delay) = decision else { return outcome }
            metrics.recordUpstream(operation: operation.rawValue, outcome: "retried_\(Self.outcomeLabel(failure))")
            do {
                try await Task.sleep(for: delay)
            } catch {
                return outcome  // the client went away or the bridge stops: answer with what Meta said
            }
            attempt += 1
        }
    }

    /// The `username` field of 1MSG's newer clients becomes the `bsuid` that webhooks showed for it; a username no
    /// webhook has shown is 1MSG's "username is not found", and nothing is sent.
    func resolvingUsername(in fields: RequestFields, channelID: String) async throws -> RequestFields {
        guard let value = fields["username"], !value.isUnset else { return fields }
        func refuse(_ rule: String) -> BridgeError {
            BridgeError.invalid(ValidationError([FieldProblem(field: "username", rule: rule)]))
        }
        guard case .string(let text) = value, !Recipient.username(text).isEmpty else { throw refuse("must be a WhatsApp username") }
        let username = Recipient.username(text)
        if let other = ["phone", "chatId", "bsuid"].first(where: { !(fields[$0]?.isUnset ?? true) }) {
            throw refuse("names the recipient as \(other) does; send only one of them")
        }
        let bsuid = try await BridgeError.storing { try await store.businessScopedUserID(username: username, channelID: channelID) }
        guard let bsuid else {
            throw refuse("username is not found: no customer with the username \"\(username)\" has written to this channel yet")
        }
        var resolved = fields
        _ = resolved.remove("username")
        resolved.set("bsuid", to: .string(bsuid))
        return resolved
    }

    /// `POST /readMessage`: `messageId` (or `msgId`) → Meta's read receipt; `typingIndicator` also shows "typing…".
    func readMessage(context: OneMsgRequestContext) async throws -> ResultReply {
        let channel = context.channel
        var reader = FieldReader(context.fields)
        let field = context.fields["messageId"] == nil && context.fields["msgId"] != nil ? "msgId" : "messageId"
        let messageID = reader.text(field, required: true, maxLength: 256)
        let typing = reader.bool("typingIndicator") ?? false
        guard reader.problems.isEmpty, let messageID else { throw BridgeError.invalid(ValidationError(reader.problems)) }
        let outcome = await graph.markRead(.init(messageID: messageID, showsTypingIndicator: typing), channel: channel)
        metrics.recordUpstream(operation: "readMessage", outcome: Self.outcomeLabel(outcome))
        if case .failure(let failure) = outcome { throw BridgeError.upstream(failure) }
        return .success
    }

    static func outcomeLabel<Success>(_ outcome: Result<Success, CloudCallFailure>) -> String {
        switch outcome {
        case .success: "accepted"
        case .failure(let failure): outcomeLabel(failure)
        }
    }

    static func outcomeLabel(_ failure: CloudCallFailure) -> String {
        switch failure {
        case .refused: "refused"
        case .unexpectedResponse: "unexpected_response"
        case .unreachable: "unreachable"
        case .timedOut: "timeout"
        case .interrupted: "interrupted"
        }
    }
}

extension SendReply: ResponseEncodable {}

extension ResultReply: ResponseEncodable {}
extension UploadMediaReply: ResponseEncodable {}
extension RetrieveMediaReply: ResponseEncodable {}
extension ErrorReply: ResponseEncodable {}

extension RouterGroup where Context == OneMsgRequestContext {
    /// Registers a 1MSG operation under both `/{channelId}/{operation}` and `/{operation}`.
    func oneMsg<Output: ResponseGenerator>(
        _ method: HTTPRequest.Method,
        _ operation: String,
        handler: @escaping @Sendable (Request, OneMsgRequestContext) async throws -> Output
    ) {
        on(RouterPath(operation), method: method, use: handler)
        on(RouterPath(":channelId/\(operation)"), method: method, use: handler)
    }
}
