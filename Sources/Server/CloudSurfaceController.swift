import Cloud
import Crypto
import Foundation
import Hummingbird
import JSONValue
import Logging
import Store
import Translation

/// The Cloud API's own format on the channel (beyond 1MSG): `POST /[vNN.N/]{phone-number-id}/messages` and the
/// media and template operations of ``CloudSurfaceController+Media``. Bodies are checked against Meta's message
/// schema, then go to Meta as they are; answers are Meta's. Sends are recorded, echoed and acked like 1MSG sends.
struct CloudSurfaceController: Sendable {
    let graph: any GraphAPI
    let store: any BridgeStore
    let metrics: BridgeMetrics
    let recorder: SentMessageRecorder
    let links: MediaLinks
    let config: BridgeConfiguration

    /// The routes, with and without the version segment. The first segment is named `channelId` as on the 1MSG
    /// routes: Hummingbird's trie takes the first capture node that matches a path, so both surfaces must share it
    /// (`GET /{channelId}/messages` is 1MSG's history, `POST /{phone-number-id}/messages` a Cloud send).
    func register(on group: RouterGroup<CloudRequestContext>) {
        for prefix in [":channelId", ":channelId/:objectId"] {
            group.post(RouterPath("\(prefix)/messages")) { request, context in try await messages(request, context: context) }
            group.post(RouterPath("\(prefix)/media")) { request, context in try await uploadMedia(request, context: context) }
            group.get(RouterPath("\(prefix)/message_templates")) { request, context in try await templates(request, context: context) }
        }
        for path in [":channelId", ":channelId/:objectId"] {
            group.get(RouterPath(path)) { request, context in try await mediaInfo(request, context: context) }
            group.delete(RouterPath(path)) { request, context in try await deleteMedia(request, context: context) }
        }
    }

    /// `POST …/messages`: a message or a read receipt, checked, sent as given, answered with Meta's answer.
    func messages(_ request: Request, context: CloudRequestContext) async throws -> SendAnswer {
        let key = try IdempotencyKeyHeader.read(request.headers)
        let reader = RequestBodyReader(operation: "POST /{phone-number-id}/messages", config: config)
        let bytes = try await reader.collect(request)
        // Refused before a recursive decoder walks it, as on the 1MSG routes.
        guard !JSONNesting.exceeds(JSONNesting.maxDepth, in: bytes.readableBytesView) else {
            throw CloudSurfaceError.unreadable("the JSON body nests arrays and objects deeper than \(JSONNesting.maxDepth) levels")
        }
        guard let body = try? JSONDecoder().decode(CloudJSON.self, from: bytes) else {
            throw CloudSurfaceError.unreadable("the body must be a JSON object (Content-Type: application/json)")
        }
        let problems = CloudMessageSchema.problems(in: body)
        guard problems.isEmpty else { throw CloudSurfaceError.invalid(problems) }
        guard let key else { return await deliver(body, context: context) }
        return try await IdempotencyLedger(store: store).answer(
            key: key, fingerprint: Self.fingerprint(body), channelID: context.channel.id,
            inFlightLimit: config.upstreamTimeout * 2 + .seconds(5), logger: context.logger,
            interrupted: { since in
                let unknown = CloudSurfaceError.unknownOutcome(since: since)
                return SendAnswer(body: unknown.body, status: unknown.status)
            },
            deliver: { await deliver(body, context: context) })
    }

    /// One call to Meta; an accepted message is recorded and echoed under the wamid Meta gave.
    func deliver(_ body: CloudJSON, context: CloudRequestContext) async -> SendAnswer {
        let outcome = await graph.sendCloudMessage(body, channel: context.channel)
        let operation = body["status"] == nil ? "cloud.messages" : "cloud.read"
        metrics.recordUpstream(operation: operation, outcome: SendController.outcomeLabel(outcome))
        switch outcome {
        case .success(let answer):
            if case .array(let sent)? = answer["messages"], let id = sent.first?["id"]?.text, let message = CloudSurfaceTranslation.sent(body) {
                await recorder.record(message, id: id, channel: context.channel, logger: context.logger)
            }
            return SendAnswer(body: Array((try? CloudSurfaceJSON.encoder.encode(answer)) ?? Data()), status: .ok)
        case .failure(let failure):
            let error = CloudSurfaceError(failure)
            return SendAnswer(
                body: error.body, status: error.status, retryAfterSeconds: error.retryAfterSeconds,
                sentNothing: SendFailureKind(failure).nothingWasSent)
        }
    }

    /// What makes two Cloud sends "the same request" for an idempotency key: the body, keys sorted.
    static func fingerprint(_ body: CloudJSON) -> String {
        var hash = SHA256()
        hash.update(data: Data("cloud-surface|messages|".utf8))
        hash.update(data: (try? CloudClient.messageEncoder.encode(body)) ?? Data())
        return Hex.lowercase(hash.finalize())
    }
}
