import Cloud
import Delivery
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Store

/// Meta's side: the verification handshake and signed event deliveries on `/cloud/webhook`.
///
/// A delivery is acknowledged only after its raw bytes are committed to the store.
struct CloudWebhookController: Sendable {
    let store: any BridgeStore
    let metrics: BridgeMetrics
    let maxBodyBytes: Int
    let mediaLinks: MediaLinks
    let signal: DeliverySignal

    func register(on router: Router<BridgeRequestContext>) {
        router.get("cloud/webhook") { request, _ in try await verify(request: request) }
        router.post("cloud/webhook") { request, context in try await receive(request: request, context: context) }
    }

    /// `GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`: echo the challenge for a known verify token.
    func verify(request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        guard query["hub.mode"] == "subscribe", let token = query["hub.verify_token"].map(String.init),
            let challenge = query["hub.challenge"].map(String.init)
        else {
            return ErrorRendering.response(status: .forbidden, message: "Verification refused")
        }
        let channels: [ChannelRecord]
        do {
            channels = try await store.channels()
        } catch {
            throw BridgeError.storeUnavailable
        }
        let matches = channels.map { constantTimeEquals($0.verifyToken, token) }
        guard matches.contains(true) else {
            return ErrorRendering.response(status: .forbidden, message: "Verification refused")
        }
        return Response(
            status: .ok, headers: [.contentType: "text/plain"],
            body: .init(byteBuffer: ByteBuffer(string: challenge)))
    }

    /// `POST`: check the signature over the raw bytes, commit them, then answer 200.
    func receive(request: Request, context: BridgeRequestContext) async throws -> Response {
        var request = request
        let buffer = try await request.collectBody(limit: maxBodyBytes)
        let body = Array(buffer: buffer)
        guard let payload = try? JSONDecoder().decode(CloudWebhookPayload.self, from: buffer) else {
            metrics.recordInboundWebhook(result: "malformed")
            return ErrorRendering.response(status: .badRequest, message: "Not a WhatsApp webhook payload")
        }
        let signature = request.headers[HTTPField.Name("X-Hub-Signature-256")!]
        let (known, unknownIDs): ([ChannelRecord], [String])
        do {
            (known, unknownIDs) = try await channels(for: payload.phoneNumberIDs)
        } catch {
            throw BridgeError.storeUnavailable
        }
        // With no known number in the payload, any of our app secrets may have signed it.
        let signers = known.isEmpty ? try await allChannels() : known
        let validFor = signers.filter { WebhookSignature.isValid(signature, body: body, appSecret: $0.appSecret) }
        guard !validFor.isEmpty, known.allSatisfy({ channel in validFor.contains { $0.id == channel.id } }) else {
            metrics.recordInboundWebhook(result: "bad_signature")
            context.logger.warning("webhook signature invalid or missing")
            return ErrorRendering.response(status: .unauthorized, message: "Invalid or missing X-Hub-Signature-256")
        }
        let routed = Dictionary(known.map { ($0.phoneNumberID, $0) }, uniquingKeysWith: { first, _ in first })
        let result: InboundCommitResult
        do {
            let commit = try ClientEvents.inboundCommit(
                payload: payload, raw: body, channels: routed, receivedAt: Date(),
                mediaURL: { channel, media in mediaLinks.url(channelID: channel.id, media: media) })
            result = try await store.commitInbound(commit)
        } catch {
            metrics.recordInboundWebhook(result: "store_failed")
            context.logger.error("webhook commit failed", metadata: ["error": "\(error)"])
            throw BridgeError.storeUnavailable
        }
        if result.queuedDeliveries > 0 { signal.notify() }
        metrics.recordInboundEvents(result)
        await learnDisplayNumbers(payload: payload, channels: routed, logger: context.logger)
        if !unknownIDs.isEmpty {
            context.logger.warning("webhook for unknown phone number ids", metadata: ["count": "\(unknownIDs.count)"])
            metrics.recordInboundWebhook(result: "unroutable")
        }
        context.logger.info(
            "webhook committed",
            metadata: [
                "messages": "\(result.newMessages)", "statuses": "\(result.newStatuses)",
                "duplicates": "\(result.duplicateMessages + result.duplicateStatuses)",
                "queued": "\(result.queuedDeliveries)",
            ])
        metrics.recordInboundWebhook(result: "accepted")
        return Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "ok")))
    }

    /// Keeps each channel's display number (the `author` of echoes) as Meta reports it.
    private func learnDisplayNumbers(payload: CloudWebhookPayload, channels: [String: ChannelRecord], logger: Logger) async {
        for metadata in payload.entry.flatMap(\.changes).compactMap(\.value.metadata) {
            guard let number = metadata.displayPhoneNumber?.filter(\.isNumber), !number.isEmpty,
                var channel = channels[metadata.phoneNumberID], channel.settings.displayPhoneNumber != number
            else { continue }
            channel.settings.displayPhoneNumber = number
            do {
                try await store.updateSettings(channelID: channel.id, settings: channel.settings)
            } catch {
                logger.warning("could not store the display number", metadata: ["error": "\(error)"])
            }
        }
    }

    private func channels(for phoneNumberIDs: [String]) async throws -> ([ChannelRecord], [String]) {
        var known: [ChannelRecord] = []
        var unknown: [String] = []
        for id in phoneNumberIDs {
            if let channel = try await store.channel(phoneNumberID: id) {
                known.append(channel)
            } else {
                unknown.append(id)
            }
        }
        return (known, unknown)
    }

    private func allChannels() async throws -> [ChannelRecord] {
        do {
            return try await store.channels()
        } catch {
            throw BridgeError.storeUnavailable
        }
    }
}
